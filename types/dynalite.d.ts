// dynalite ships no type declarations (and there is no @types/dynalite).
declare module 'dynalite' {
  import type { Server } from 'node:http';
  export default function dynalite(opts?: {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    ssl?: boolean;
    verbose?: boolean;
    debug?: boolean;
  }): Server;
}
