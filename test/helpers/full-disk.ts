import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A real small file system (tmpfs) that a test can fill up and free again, so SQLite meets a
 * genuine "database or disk is full". Mounting needs root, as on CI; elsewhere the tests using it
 * are skipped and say so.
 */
export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the file system has no space left. */
  fill(): void;
  /** Deletes the filler. */
  free(): void;
  unmount(): void;
}

export function canMountTmpfs(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    const d = mountSmallDisk(1);
    d.unmount();
    return true;
  } catch {
    return false;
  }
}

export function mountSmallDisk(sizeMb: number): SmallDisk {
  const dir = mkdtempSync(path.join(tmpdir(), 'wxa-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'ignore' });
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        for (const size of [1 << 16, 512, 1]) {
          const chunk = Buffer.alloc(size);
          try {
            for (;;) writeSync(fd, chunk);
          } catch {
            // ENOSPC at this chunk size: go on with a smaller one to fill the last blocks.
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      try {
        unlinkSync(filler);
      } catch {
        // already gone
      }
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
