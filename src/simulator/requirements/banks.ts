/** A few real Japanese and Korean banks (and JPY branches) for the JPY and KRW forms. */
export const JAPANESE_BANKS: { code: string; name: string; branches: { code: string; name: string }[] }[] = [
  {
    code: '0001',
    name: 'Mizuho Bank',
    branches: [
      { code: '001', name: 'Tokyo Chuo' },
      { code: '004', name: 'Marunouchi Chuo' },
      { code: '110', name: 'Shinjuku' },
    ],
  },
  {
    code: '0005',
    name: 'MUFG Bank',
    branches: [
      { code: '001', name: 'Head Office' },
      { code: '100', name: 'Shibuya' },
      { code: '250', name: 'Osaka' },
    ],
  },
  {
    code: '0009',
    name: 'Sumitomo Mitsui Banking Corporation',
    branches: [
      { code: '015', name: 'Tokyo Main' },
      { code: '100', name: 'Ginza' },
    ],
  },
  {
    code: '6470',
    name: 'Rakuten Bank',
    branches: [
      { code: '100', name: 'Rock' },
      { code: '200', name: 'Jazz' },
      { code: '251', name: 'Salsa' },
    ],
  },
];

export const KOREAN_BANKS: { code: string; name: string }[] = [
  { code: 'BUSAN_032', name: 'Busan Bank' },
  { code: 'CITY_027', name: 'Citibank Korea' },
  { code: 'HANA_081', name: 'Hana Bank' },
  { code: 'IBK_003', name: 'Industrial Bank of Korea' },
  { code: 'KAKAO_090', name: 'KakaoBank' },
  { code: 'KB_004', name: 'Kookmin Bank' },
  { code: 'NH_011', name: 'NongHyup Bank' },
  { code: 'SAEMAEULGEUMGO_045', name: 'Saemaeul Geumgo' },
  { code: 'SHINHAN_088', name: 'Shinhan Bank' },
  { code: 'WOORI_020', name: 'Woori Bank' },
];
