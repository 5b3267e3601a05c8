import * as vscode from 'vscode';

/**
 * The index status report as a read-only file of its own scheme. A file system provider rather than a
 * text document content provider, because the Markdown preview reads and watches what it shows through
 * VS Code's file service, which fails (and logs a CodeExpectedError) for a scheme with no file system.
 */
export class StatusDocument implements vscode.FileSystemProvider {
  static readonly scheme = 'grounded-status';
  static readonly uri = vscode.Uri.parse(`${StatusDocument.scheme}:/Grounded%20Index%20Status.md`);
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private bytes = new Uint8Array();
  private mtime = Date.now();

  constructor(private readonly render: () => Promise<string>) {}

  /** Renders the report again; an open editor or preview of it reloads. */
  async refresh(): Promise<void> {
    await this.readFile(StatusDocument.uri);
    this.mtime = Date.now();
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri: StatusDocument.uri }]);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    if (uri.path === '/') return { type: vscode.FileType.Directory, ctime: 0, mtime: this.mtime, size: 0, permissions: vscode.FilePermission.Readonly };
    this.check(uri);
    return { type: vscode.FileType.File, ctime: this.mtime, mtime: this.mtime, size: this.bytes.byteLength, permissions: vscode.FilePermission.Readonly };
  }

  readDirectory(): [string, vscode.FileType][] {
    return [[StatusDocument.uri.path.slice(1), vscode.FileType.File]];
  }

  /** Always the current report, as the content provider it replaces was, whether or not refresh ran. */
  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    this.check(uri);
    this.bytes = new TextEncoder().encode(await this.render());
    return this.bytes;
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  private check(uri: vscode.Uri): void {
    if (uri.path !== StatusDocument.uri.path) throw vscode.FileSystemError.FileNotFound(uri);
  }
}
