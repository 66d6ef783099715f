#!/usr/bin/env bash
# Fetch AWS's DynamoDB Local (Java) from the npm registry (it ships inside
# amplify-dynamodb-simulator) into .tools/dynamodb-local, without installing its dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.tools/dynamodb-local
if [ -f "$dest/DynamoDBLocal.jar" ]; then exit 0; fi
tmp=$(mktemp -d)
( cd "$tmp" && npm pack --silent amplify-dynamodb-simulator@2.9.30 >/dev/null && tar xzf amplify-dynamodb-simulator-2.9.30.tgz )
mkdir -p "$dest"
cp -r "$tmp/package/emulator/DynamoDBLocal.jar" "$tmp/package/emulator/DynamoDBLocal_lib" "$dest/"
rm -rf "$tmp"
echo "DynamoDB Local in $dest"
