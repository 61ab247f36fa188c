/**
 * Wise's v2 profiles take countries as lower-case ISO 3166-1 alpha-3 codes; banks and recipient
 * forms use alpha-2. This table covers the countries banks here serve.
 */
export const ISO3: Record<string, string> = {
  AT: 'aut', AU: 'aus', BE: 'bel', BG: 'bgr', BR: 'bra', CA: 'can', CH: 'che', CN: 'chn', CY: 'cyp', CZ: 'cze',
  DE: 'deu', DK: 'dnk', EE: 'est', ES: 'esp', FI: 'fin', FR: 'fra', GB: 'gbr', GR: 'grc', HK: 'hkg', HR: 'hrv',
  HU: 'hun', IE: 'irl', IN: 'ind', IS: 'isl', IT: 'ita', JP: 'jpn', KR: 'kor', LI: 'lie', LT: 'ltu', LU: 'lux',
  LV: 'lva', MT: 'mlt', MX: 'mex', MY: 'mys', NL: 'nld', NO: 'nor', NZ: 'nzl', PL: 'pol', PT: 'prt', RO: 'rou',
  SE: 'swe', SG: 'sgp', SI: 'svn', SK: 'svk', TR: 'tur', US: 'usa', ZA: 'zaf', AE: 'are', IL: 'isr', PH: 'phl',
};

export const ISO2_BY_ISO3: Record<string, string> = Object.fromEntries(Object.entries(ISO3).map(([two, three]) => [three, two]));
