import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type Artifact,
  artifactFileType,
  type BlobStore,
  binaryType,
  checkArchivePath,
  findRunArtifact,
  listArchiveFiles,
  openArchiveFile,
} from '../../blobs/index.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import { parseBody } from './parse-body.js';

export interface ArtifactFileRouteOptions {
  db: Db;
  blobStore: BlobStore;
  /** Files up to this many bytes are served inline with their content type; larger ones as a download. Default 1 MiB. */
  maxInlineBytes?: number;
  /** Files listed per artifact at most; the listing says when it stopped. Default 10 000. */
  maxListedFiles?: number;
}

export const artifactParams = z.object({ id: z.coerce.number().int().positive(), artifactId: z.coerce.number().int().positive() });
export const fileQuery = z.object({ download: z.enum(['0', '1']).optional() });

/**
 * Browsing an artifact the way GitLab's artifact browser does: list the files inside its archive,
 * open one. Both stream the archive out of the blob store (nothing is unpacked on disk), so a file
 * costs one read of the archive up to it. Served bytes are user content on the UI's origin: they are
 * never given a type a browser would run, and carry nosniff and a sandboxing CSP.
 */
export function registerArtifactFileRoutes(app: FastifyInstance, options: ArtifactFileRouteOptions): void {
  const { db, blobStore } = options;
  const maxInlineBytes = options.maxInlineBytes ?? 1024 * 1024;
  const maxListedFiles = options.maxListedFiles ?? 10_000;

  const openArchive = async (artifact: Artifact): Promise<Readable> => {
    const stream = await blobStore.get(artifact.digest);
    if (!stream) throw new AppError(ErrorCode.notFound, `the archive of artifact ${artifact.id} (${artifact.name}) is no longer in the blob store`);
    return stream;
  };

  app.get('/api/v1/runs/:id/artifacts/:artifactId/files', async (request) => {
    const { id, artifactId } = parseBody(artifactParams, request.params, 'artifact');
    const artifact = await findRunArtifact(db, id, artifactId);
    const archive = await openArchive(artifact);
    try {
      return { artifact, ...(await listArchiveFiles(archive, maxListedFiles)) };
    } finally {
      archive.destroy();
    }
  });

  app.get('/api/v1/runs/:id/artifacts/:artifactId/files/*', async (request, reply) => {
    const { id, artifactId } = parseBody(artifactParams, request.params, 'artifact');
    const { download } = parseBody(fileQuery, request.query, 'artifact file query');
    const path = checkArchivePath((request.params as { '*': string })['*'], 'artifact file path');
    const artifact = await findRunArtifact(db, id, artifactId);
    const archive = await openArchive(artifact);
    const file = await openArchiveFile(archive, path, () => archive.destroy());
    if (!file) {
      throw new AppError(ErrorCode.notFound, `artifact ${artifactId} (${artifact.name}) of run ${id} has no file ${JSON.stringify(path)}: list its files with GET /api/v1/runs/${id}/artifacts/${artifactId}/files`, {
        details: { runId: id, artifactId, path },
      });
    }
    const inline = download !== '1' && file.size <= maxInlineBytes;
    const filename = encodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
    void reply
      .type(inline ? artifactFileType(path) : binaryType)
      .header('content-length', String(file.size))
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${filename}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox");
    return Readable.from(file.body, { objectMode: false });
  });
}
