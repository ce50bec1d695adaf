/**
 * blobs/ — content-addressed storage of artifacts and caches: a BlobStore (filesystem or S3), a
 * deterministic tar format for sets of files, and the artifact and cache records in the store.
 *
 * Glossary
 * - blob: an immutable byte string stored once, named by its digest (BlobStore: put/get/has/stat/delete).
 * - digest: the sha256 of a blob's bytes, 64 lowercase hex digits; computed while writing, checked while reading.
 * - archive: a tar (ustar + PAX) of files with their relative paths and permission bits, no owners or times,
 *   so the same files always make the same blob. Every path in one is checked before anything is extracted.
 * - artifact: an archive a job uploads under a name, kept for the run's later jobs (those that `needs` it)
 *   until it expires; downloaded into `<dest>/<name>/`.
 * - cache: an archive saved under a key to speed up later runs; immutable once saved.
 * - key: a cache's name, rendered from a template (`npm-${{ runner.os }}-${{ hashFiles('package-lock.json') }}`).
 * - restore key: a key prefix tried, newest entry first, when the exact key misses.
 * - scope: the branch a cache was saved on. A run sees its own branch's caches, then the default branch's.
 */
export type { BlobInfo, BlobSource, BlobStore } from './blob-store.js';
export { createBlobStore } from './create-blob-store.js';
export { type FsBlobStoreOptions, createFsBlobStore } from './fs/blob-store.js';
export { type S3BlobStoreOptions, createS3BlobStore } from './s3/blob-store.js';
export { checkDigest, createDigestVerifier, formatBlobPath, hashBytes, isDigest } from './digest.js';
export type { TarEntry, TarReadEntry } from './tar/tar-entry.js';
export { writeTar } from './tar/write-tar.js';
export { readTar } from './tar/read-tar.js';
export { checkArchivePath } from './archive/check-archive-path.js';
export { type MatchedFile, matchFiles } from './archive/match-files.js';
export { packFiles } from './archive/pack-files.js';
export { type UnpackResult, unpackArchive } from './archive/unpack-archive.js';
export { type Artifact, checkArtifactName } from './artifacts/artifact.js';
export { type UploadArtifactsInput, uploadArtifacts } from './artifacts/upload-artifacts.js';
export { type DownloadArtifactsInput, type DownloadedArtifact, downloadArtifacts } from './artifacts/download-artifacts.js';
export { type RecordArtifactInput, recordArtifact } from './artifacts/record-artifact.js';
export { type ListArtifactsInput, listArtifacts } from './artifacts/list-artifacts.js';
export { findRunArtifact } from './artifacts/find-run-artifact.js';
export { type ArchiveFile, type ArchiveListing, type OpenedArchiveFile, listArchiveFiles, openArchiveFile } from './artifacts/read-archive-files.js';
export { artifactFileType, binaryType, jsonType, textType } from './artifacts/artifact-file-type.js';
export { type CacheEntry, checkCacheKey } from './caches/cache-entry.js';
export { type FindCacheInput, type FindCacheResult, findCache, touchCache } from './caches/find-cache.js';
export { type RecordCacheEntryInput, cacheExists, recordCacheEntry } from './caches/record-cache-entry.js';
export { type CacheKeyContext, describeRunnerOs, renderCacheKey } from './caches/render-cache-key.js';
export { createHashFiles } from './caches/hash-files.js';
export { type SaveCacheInput, type SaveCacheResult, saveCache } from './caches/save-cache.js';
export { type RestoreCacheInput, type RestoreCacheResult, restoreCache } from './caches/restore-cache.js';
