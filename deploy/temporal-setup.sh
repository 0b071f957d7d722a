#!/bin/sh
# The namespace and the search attributes playlist-sync sets on every sync workflow.
set -eu
until temporal operator cluster health --address "$TEMPORAL_ADDRESS"; do sleep 2; done
temporal operator namespace describe -n "$TEMPORAL_NAMESPACE" --address "$TEMPORAL_ADDRESS" \
  || temporal operator namespace create -n "$TEMPORAL_NAMESPACE" --address "$TEMPORAL_ADDRESS"
for attribute in SyncStage=Keyword SyncJobId=Int; do
  temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" \
    --address "$TEMPORAL_ADDRESS" --name "${attribute%=*}" --type "${attribute#*=}" || true
done
