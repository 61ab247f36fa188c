/**
 * Country and state data for forms and profiles. The ISO 3166-1 alpha-2 list is derived from
 * the runtime's ICU data (every two-letter code ICU can name), so it needs no hand-kept table.
 */
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

export const COUNTRIES: { key: string; name: string }[] = (() => {
  const out: { key: string; name: string }[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = regionNames.of(code);
      // Unknown codes come back as the code itself; also skip ICU's non-country regions.
      if (name && name !== code && !['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ'].includes(code)) out.push({ key: code, name });
    }
  }
  return out.sort((x, y) => x.name.localeCompare(y.name));
})();

export const COUNTRY_CODES = new Set(COUNTRIES.map((c) => c.key));

/**
 * The lower-case ISO 3166-1 alpha-3 codes Wise's v2 profiles take, for the countries it serves
 * here. The simulator's own table, not the gateway's (src/wise/countries.ts): it plays Wise, and
 * a wrong code believed by both sides could not be caught by a test.
 */
export const ISO3: Record<string, string> = {
  AT: 'aut', AU: 'aus', BE: 'bel', BG: 'bgr', BR: 'bra', CA: 'can', CH: 'che', CN: 'chn', CY: 'cyp', CZ: 'cze',
  DE: 'deu', DK: 'dnk', EE: 'est', ES: 'esp', FI: 'fin', FR: 'fra', GB: 'gbr', GR: 'grc', HK: 'hkg', HR: 'hrv',
  HU: 'hun', IE: 'irl', IN: 'ind', IS: 'isl', IT: 'ita', JP: 'jpn', KR: 'kor', LI: 'lie', LT: 'ltu', LU: 'lux',
  LV: 'lva', MT: 'mlt', MX: 'mex', MY: 'mys', NL: 'nld', NO: 'nor', NZ: 'nzl', PL: 'pol', PT: 'prt', RO: 'rou',
  SE: 'swe', SG: 'sgp', SI: 'svn', SK: 'svk', TR: 'tur', US: 'usa', ZA: 'zaf', AE: 'are', IL: 'isr', PH: 'phl',
};

export const ISO2_BY_ISO3: Record<string, string> = Object.fromEntries(Object.entries(ISO3).map(([two, three]) => [three, two]));

export const US_STATES = 'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY'.split(' ');
export const CA_PROVINCES = 'AB BC MB NB NL NS NT NU ON PE QC SK YT'.split(' ');
export const AU_STATES = 'ACT NSW NT QLD SA TAS VIC WA'.split(' ');
export const BR_STATES = 'AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO'.split(' ');

export const STATES_BY_COUNTRY: Record<string, string[]> = { US: US_STATES, CA: CA_PROVINCES, AU: AU_STATES, BR: BR_STATES };
