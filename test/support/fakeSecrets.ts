import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Fake but well-formed secrets, made at test time so no file of the repository holds one (the
 * repository's own files are checked to hold none). Key blocks come from Node's crypto or ssh-keygen;
 * tokens have the prefixes, lengths and alphabets of the real ones.
 */
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomChars(n: number, alphabet = BASE62): string {
  const bytes = crypto.randomBytes(n);
  // A fixed mixed-case start keeps "has a digit, an upper and a lower letter" true for every draw.
  return ('aZ7' + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')).slice(0, n);
}

function wrap64(base64: string): string {
  return base64.match(/.{1,64}/g)!.join('\n');
}

export function rsaPkcs1(): string {
  return crypto.generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
}

export function pkcs8(): string {
  return crypto.generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
}

export function ecSec1(): string {
  return crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'sec1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
}

export function encryptedPkcs8(): string {
  return crypto.generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

/** An OpenSSH private key from ssh-keygen when the machine has it, else a block of the same form. */
export function openSshKey(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grounded-sshkey-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy', '-f', path.join(dir, 'k')], { stdio: 'ignore' });
    return fs.readFileSync(path.join(dir, 'k'), 'utf8');
  } catch {
    const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), crypto.randomBytes(300)]).toString('base64');
    return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap64(body)}\n-----END OPENSSH PRIVATE KEY-----\n`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** An ASCII-armored PGP secret key block: armor header, blank line, base64 body, CRC line. */
export function pgpPrivateBlock(): string {
  const body = crypto.randomBytes(600).toString('base64');
  const crc = crypto.randomBytes(3).toString('base64');
  return `-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: backup\n\n${wrap64(body)}\n=${crc}\n-----END PGP PRIVATE KEY BLOCK-----\n`;
}

/** An AWS secret access key: 40 characters with no prefix, found only by the file's name. */
export const awsSecret = () => randomChars(40, BASE62 + '+/');

export const tokens = {
  awsKeyId: () => 'AKIA' + randomChars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567').toUpperCase(),
  github: () => 'ghp' + '_' + randomChars(36),
  githubFineGrained: () => 'github' + '_pat_' + randomChars(22) + '_' + randomChars(59),
  gitlab: () => 'glpat' + '-' + randomChars(20),
  slackBot: () => 'xoxb' + '-' + '1234567890' + '12-' + '9876543210' + '98-' + randomChars(24),
  openai: () => 'sk' + '-proj-' + randomChars(48),
  openaiClassic: () => 'sk' + '-' + randomChars(48),
  vault: () => 'hvs' + '.' + randomChars(90),
};
