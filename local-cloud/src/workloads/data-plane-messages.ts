/** What the main thread tells the data-plane worker. */
export type ToDataPlane =
  | { type: 'listen'; id: number; name: string; host: string; port: number; waitMs: number }
  | { type: 'ready'; name: string; ports: number[] }
  | { type: 'close'; id: number };

/** What the data-plane worker answers. */
export type FromDataPlane =
  | { type: 'listening'; id: number; port: number }
  | { type: 'listen-failed'; id: number; code: string; message: string }
  | { type: 'warn'; service: string; message: string }
  | { type: 'closed'; id: number };
