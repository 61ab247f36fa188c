// A Relay component's data needs: read by relay-compiler in test/clients/relay.test.ts.
declare const graphql: (strings: TemplateStringsArray) => unknown;

export const transferRow = graphql`
  fragment TransferRow_transfer on Transfer @refetchable(queryName: "TransferRowRefetchQuery") {
    id
    status
    statusLabel
    funding
    sourceAmount { amount currency }
    targetAmount { amount currency }
    recipient { id accountHolderName accountSummary }
  }
`;
