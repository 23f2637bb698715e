// The route map: GPS fixes and located RFID reads in time order over world outlines, drawn
// with d3-geo from world-atlas's Natural Earth 1:110m countries (bundled, no tile server).
import { geoCircle, geoEqualEarth, geoGraticule10, geoPath, type GeoPermissibleObjects, type GeoProjection } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { FeatureCollection } from 'geojson';
import { domId, formatTime, s } from './dom';
import { anomaliesByEvent } from './timeline';
import type { Provenance, ProvenanceEvent } from './types';

export interface RoutePoint {
  event: ProvenanceEvent;
  link: number;
  lon: number;
  lat: number;
}

const WIDTH = 960;
const HEIGHT = 520;
const PAD = 36;

let countries: Promise<FeatureCollection> | undefined;

/** The world outlines, loaded once from the bundle (a separate chunk of the same origin). */
function loadCountries(): Promise<FeatureCollection> {
  countries ??= import('world-atlas/countries-110m.json').then((m) => {
    const topo = m.default as unknown as Topology<{ countries: GeometryCollection }>;
    return feature(topo, topo.objects.countries);
  });
  return countries;
}

/** [lat, lon] of a GPS fix or RFID read that carries finite coordinates, else undefined. */
function located(e: ProvenanceEvent): [lat: number, lon: number] | undefined {
  if (e.kind !== 'gps' && e.kind !== 'rfid') return undefined;
  const lat = e.location?.lat;
  const lon = e.location?.lon;
  return typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon) ? [lat, lon] : undefined;
}

/** GPS fixes and RFID reads with lat and lon, oldest first (as the chaincode's travel check sees them). */
export function routePoints(p: Provenance): RoutePoint[] {
  const pts: RoutePoint[] = [];
  for (const l of p.links) {
    for (const e of l.events) {
      const at = located(e);
      if (at) pts.push({ event: e, link: l.link, lat: at[0], lon: at[1] });
    }
  }
  return pts.sort((a, b) => Date.parse(a.event.eventTime) - Date.parse(b.event.eventTime) || a.link - b.link);
}

/** Circular mean of the longitudes, so a trans-Pacific route is drawn in one piece. */
function centreLongitude(pts: RoutePoint[]): number {
  let x = 0;
  let y = 0;
  for (const p of pts) {
    x += Math.cos((p.lon * Math.PI) / 180);
    y += Math.sin((p.lon * Math.PI) / 180);
  }
  return x === 0 && y === 0 ? 0 : (Math.atan2(y, x) * 180) / Math.PI;
}

/** "lat, lon (time, link n" of a point, for the map's description. */
function placeText(q: RoutePoint): string {
  return `${q.lat.toFixed(2)}, ${q.lon.toFixed(2)} (${formatTime(q.event.eventTime)}, link ${String(q.link)}`;
}

/** The map's text equivalent: how many points, from where and when to where and when. */
function describeRoute(p: Pick<Provenance, 'lot'>, pts: readonly RoutePoint[], first: RoutePoint, anyFlagged: boolean): string {
  const last = pts[pts.length - 1] ?? first;
  return (
    `Route of ${String(pts.length)} located event${pts.length === 1 ? '' : 's'} of lot ${p.lot.lotId} in time order, ` +
    `from ${placeText(first)}, the origin) ` +
    (pts.length > 1 ? `to ${placeText(last)}).` : '.') +
    (anyFlagged ? ' Points involved in an anomaly are drawn in red with a ring.' : '')
  );
}

/** Point `i` of the route (the origin a square, anomalies ringed), or null when it does not project. */
function pointMark(projection: GeoProjection, q: RoutePoint, i: number, bad: string[] | undefined): SVGGElement | null {
  const xy = projection([q.lon, q.lat]);
  if (!xy) return null;
  const isOrigin = i === 0;
  const cls = ['point', `kind-${q.event.kind}`, bad ? 'anomalous' : '', isOrigin ? 'origin' : ''].filter(Boolean).join(' ');
  const label =
    `${String(i + 1)}. ${formatTime(q.event.eventTime)} · link ${String(q.link)} · ${q.event.kind} · ${q.event.recordedBy} · ${q.event.eventId}` +
    (bad ? ` · anomaly: ${bad.join(', ')}` : '') +
    (isOrigin ? ' · origin' : '');
  // Not focusable: the timeline is the keyboard and screen-reader equivalent of each point.
  return s(
    'g',
    { class: cls, transform: `translate(${xy[0].toFixed(1)},${xy[1].toFixed(1)})`, 'data-event-id': q.event.eventId, 'data-target': domId('ev', q.event.eventId) },
    s('title', {}, label),
    bad ? s('circle', { r: 13, class: 'ring' }) : null,
    isOrigin ? s('rect', { x: -9, y: -9, width: 18, height: 18, class: 'origin-mark' }) : s('circle', { r: 7 }),
  );
}

/** The origin drawn again on top, so later points nearby never hide it, with its country. */
function originOverlay(projection: GeoProjection, first: RoutePoint, originCountry: string): SVGGElement | null {
  const xy = projection([first.lon, first.lat]);
  if (!xy) return null;
  const right = xy[0] < WIDTH - 200;
  return s(
    'g',
    { class: 'origin-overlay', 'aria-hidden': 'true' },
    s('rect', { x: xy[0] - 9, y: xy[1] - 9, width: 18, height: 18, class: 'origin-mark' }),
    s(
      'text',
      { class: 'origin-label', x: xy[0] + (right ? 16 : -16), y: xy[1] - 16, 'text-anchor': right ? 'start' : 'end' },
      `Origin (${originCountry})`,
    ),
  );
}

/** The view fitted to the route plus a margin of a few degrees around every point. */
function fittedProjection(pts: readonly RoutePoint[]): GeoProjection {
  const margin = {
    type: 'GeometryCollection',
    geometries: pts.map((q) => geoCircle().center([q.lon, q.lat]).radius(4)()),
  } as GeoPermissibleObjects;
  return geoEqualEarth()
    .rotate([-centreLongitude([...pts]), 0])
    .fitExtent(
      [
        [PAD, PAD],
        [WIDTH - PAD, HEIGHT - PAD],
      ],
      margin,
    );
}

/** Draws the route of the answer's located events (or the given points: a summary's thinned tracks). */
export async function renderMap(p: Pick<Provenance, 'lot' | 'anomalies'>, container: HTMLElement, pts: RoutePoint[] = routePoints(p as Provenance)): Promise<void> {
  const titleId = 'route-map-title';
  const descId = 'route-map-desc';
  container.replaceChildren();
  const [first] = pts;
  if (first === undefined) {
    container.append(
      Object.assign(document.createElement('p'), {
        className: 'none nothing',
        textContent: 'No located event (GPS fix or RFID read with coordinates) to draw.',
      }),
    );
    return;
  }
  const world = await loadCountries();
  const coords = pts.map((q): [number, number] => [q.lon, q.lat]);
  const route: GeoPermissibleObjects = pts.length > 1 ? { type: 'LineString', coordinates: coords } : { type: 'Point', coordinates: [first.lon, first.lat] };
  const projection = fittedProjection(pts);
  const path = geoPath(projection);
  const flagged = anomaliesByEvent(p.anomalies);

  const svg = s(
    'svg',
    {
      id: 'route-map',
      class: 'route-map',
      viewBox: `0 0 ${String(WIDTH)} ${String(HEIGHT)}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
      'data-points': pts.length,
      preserveAspectRatio: 'xMidYMid meet',
    },
    s('title', { id: titleId }, `Route map of lot ${p.lot.lotId}`),
    s('desc', { id: descId }, describeRoute(p, pts, first, flagged.size > 0)),
    s(
      'defs',
      {},
      s(
        'marker',
        { id: 'arrow', viewBox: '0 0 10 10', refX: 5, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }),
      ),
      s('clipPath', { id: 'sphere-clip' }, s('path', { d: path({ type: 'Sphere' }) ?? '' })),
    ),
    s('rect', { class: 'sea', x: 0, y: 0, width: WIDTH, height: HEIGHT }),
    s(
      'g',
      { 'clip-path': 'url(#sphere-clip)' },
      s('path', { class: 'graticule', d: path(geoGraticule10()) ?? '' }),
      s('path', { class: 'land', d: path(world) ?? '' }),
    ),
    pts.length > 1 ? s('path', { class: 'route', id: 'route-path', d: path(route) ?? '', 'marker-end': 'url(#arrow)' }) : null,
    s(
      'g',
      { class: 'points' },
      pts.map((q, i) => pointMark(projection, q, i, flagged.get(q.event.eventId))),
    ),
    originOverlay(projection, first, p.lot.originCountry),
  );
  container.append(svg);
}
