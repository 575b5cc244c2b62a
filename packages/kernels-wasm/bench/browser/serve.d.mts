/** The browser bench's cross-origin isolated static server on 127.0.0.1 (`port` 0: any free port). */
export function startServer(options?: {
  port?: number;
  log?: (line: string) => void;
}): Promise<{ origin: string; close(): Promise<void> }>;
