import { INDEX_FOLDER_NAME } from '../store/indexLocation';

/**
 * What is never indexed unless a user explicitly includes it: dependencies, VCS data, build outputs,
 * and files that usually hold secrets (gitignore syntax).
 */
export const DEFAULT_EXCLUDED_DIRS = [
  'node_modules/', '.git/', '.hg/', '.svn/', `${INDEX_FOLDER_NAME}/`, '.vscode-test/',
  'dist/', 'out/', 'build/', 'target/', 'bin/', 'obj/', '.next/', '.nuxt/', 'coverage/', '.cache/',
  '__pycache__/', '.venv/', 'venv/', '.tox/', '.mypy_cache/', '.pytest_cache/', '.gradle/', '.idea/',
];

export const SECRET_PATTERNS = [
  '.env', '.env.*', '*.env', '*.pem', '*.key', '*.p12', '*.pfx', '*.jks', '*.keystore', '*.kdbx',
  'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*', '*.ppk', '.npmrc', '.pypirc', '.netrc', '.pgpass',
  '.htpasswd', 'credentials', 'credentials.*', 'secrets/', '.secrets/', '.ssh/', '.aws/', '.gnupg/',
  '*.tfstate', '*.tfstate.*', '*service-account*.json', '*firebase-adminsdk*.json', 'client_secret*.json',
  '.git-credentials', '.kube/', 'kubeconfig', 'kubeconfig.yaml', 'kubeconfig.yml', '*.kubeconfig', '.docker/', '.dockercfg',
  '.vault-token', '.envrc', '*.tfvars', '*.tfvars.json', '.terraformrc', 'terraform.rc',
  'secrets.yaml', 'secrets.yml', 'secrets.json', 'secrets.toml', 'secret.yaml', 'secret.yml', 'secret.json',
  '.boto', '.s3cfg', '.azure/', '.config/gcloud/', '*.keytab', '*.ovpn', '*.gpg', 'secring.*', '.password-store/',
];

/** Lock files and generated artefacts: large, low-signal text. */
export const GENERATED_PATTERNS = [
  'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'Cargo.lock', 'poetry.lock', 'composer.lock', 'Gemfile.lock',
  'go.sum', '*.min.js', '*.min.css', '*.map', '*.snap',
];

/** Extensions of files that are binary by nature; skipped without being opened (PDF and .docx are parsed instead). */
export const BINARY_EXTENSIONS = new Set(
  (
    'png jpg jpeg gif bmp ico icns webp avif tiff psd svgz mp3 mp4 m4a wav ogg flac webm mov avi mkv ' +
    'zip gz tgz bz2 xz 7z rar tar jar war ear whl egg nupkg vsix deb rpm dmg iso img ' +
    'exe dll so dylib a lib o obj class pyc pyo wasm node bin dat db sqlite sqlite3 ' +
    'doc xls xlsx ppt pptx odt ods woff woff2 ttf otf eot'
  ).split(' '),
);
