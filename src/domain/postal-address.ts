/** A postal address as the bank holds it and Wise asks for it. */
export type PostalAddress = {
  firstLine: string;
  city: string;
  postCode: string | null;
  /** State, province or territory code; required by Wise for US, CA, AU and BR. */
  stateCode: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
};
