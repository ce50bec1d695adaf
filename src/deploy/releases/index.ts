/**
 * deploy/releases — immutable releases (part of deploy/; see its glossary).
 *
 * Glossary
 * - release: a version of a service = the digest of its files' archive (blob store) + its service
 *   spec (config, with its hash). Created once; the same version with other files or config is refused.
 * - materialize: unpack a release's archive into `<dataDir>/releases/<service>/<version>/`, once,
 *   read-only; the target runs replicas there.
 */
export { type CreateReleaseInput, createRelease, type ReleaseFiles } from './create-release.js';
export { findReleaseByVersion, getRelease } from './get-release.js';
export { materializeRelease } from './materialize-release.js';
export { checkReleaseVersion, hashConfig, type Release, type ReleaseSource, releaseColumns, toRelease } from './release.js';
