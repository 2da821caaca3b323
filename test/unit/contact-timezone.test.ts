import { zoneFromHubSpot } from '../../functions/core/contact-timezone';

describe('zoneFromHubSpot', () => {
  it.each([
    ['america_slash_new_york', 'America/New_York'],
    ['europe_slash_berlin', 'Europe/Berlin'],
    ['America_slash_Los_Angeles', 'America/Los_Angeles'],
    ['america_slash_argentina_slash_buenos_aires', 'America/Buenos_Aires'], // the canonical name
    ['america_slash_port_minus_au_minus_prince', 'America/Port-au-Prince'],
    ['America/New_York', 'America/New_York'], // a plain IANA name reads as itself
  ])('reads %s as %s', (value, zone) => {
    expect(zoneFromHubSpot(value)).toBe(zone);
  });

  it.each([[undefined], [null], [''], ['mars_slash_olympus'], ['utc']])('names no zone for %p', (value) => {
    expect(zoneFromHubSpot(value)).toBeUndefined();
  });
});
