/** A bad export option (format, output path): the CLI reports it as a usage error (exit 2). */
export class ExportOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExportOptionError";
  }
}
