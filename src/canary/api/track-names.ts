import { Track } from '../gen/slipway/canary/v1/canary_pb.js';
import type { TrackName } from './ingested-event.js';

const nameByTrack = new Map<Track, TrackName>([
  [Track.STABLE, 'stable'],
  [Track.BASELINE, 'baseline'],
  [Track.CANARY, 'canary'],
]);
const trackByName = new Map<TrackName, Track>([...nameByTrack].map(([track, name]) => [name, track]));

/** undefined for TRACK_UNSPECIFIED and for numbers a newer producer may send (proto3 enums are open). */
export function trackName(track: Track): TrackName | undefined {
  return nameByTrack.get(track);
}

export function trackOf(name: TrackName): Track {
  return trackByName.get(name)!;
}
