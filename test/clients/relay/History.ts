// The transfer history screen: a Relay connection paginated with usePaginationFragment.
declare const graphql: (strings: TemplateStringsArray) => unknown;

export const history = graphql`
  fragment History_query on Query
  @refetchable(queryName: "HistoryPaginationQuery")
  @argumentDefinitions(first: { type: "Int", defaultValue: 20 }, after: { type: "String" }) {
    transfers(first: $first, after: $after) @connection(key: "History_transfers") {
      edges {
        node {
          id
          ...TransferRow_transfer
        }
      }
    }
  }
`;

export const historyScreen = graphql`
  query HistoryScreenQuery {
    ...History_query
    onboardingStatus { id state }
  }
`;

export const pushed = graphql`
  subscription HistoryTransferSubscription($after: String) {
    transferStatusChanged(after: $after) {
      sequence
      transfer { id ...TransferRow_transfer }
    }
  }
`;
