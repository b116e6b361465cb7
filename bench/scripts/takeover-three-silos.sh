#!/usr/bin/env bash
# Takeover after kill -9: three `clipgrains serve` processes on PostgreSQL over loopback (started by .ci/postgres),
# twelve tenants warmed through every silo, silo 3 killed; prints when every tenant is served again through silo 1.
# Needs a Release build (dotnet build -c Release src/ClipGrains.Host). EXTRA="--ClipGrains:Cluster:Membership:ProbeTimeout=00:00:05"
# compares with Orleans' own probe timeout. Loopback only; bounded to 120 s of retries.
set -u
cd "$(dirname "$0")/../.."
PG="$(.ci/postgres start 2>/dev/null)"
DLL=src/ClipGrains.Host/bin/Release/net10.0/clipgrains.dll
ID=m3$RANDOM
A="Authorization: Bearer cga_test-operator-key"
for i in 1 2 3; do
  rm -rf /tmp/cg-s$i
  (exec dotnet $DLL serve --urls=http://127.0.0.1:1830$i --ClipGrains:Model:Path="${CLIPGRAINS_GOLDEN_DIR:-../shared/golden}/tiny-clip" --ClipGrains:Model:IntraOpThreads=1 \
    --ClipGrains:DataDirectory=/tmp/cg-s$i --ClipGrains:Cluster:Provider=postgres "--ClipGrains:Cluster:Postgres:ConnectionString=$PG" \
    --ClipGrains:Cluster:SiloPort=1200$i --ClipGrains:Cluster:AdvertisedIp=127.0.0.1 --ClipGrains:Cluster:ClusterId=$ID --ClipGrains:Cluster:ServiceId=$ID \
    --ClipGrains:Admin:ApiKey=cga_test-operator-key ${EXTRA:-} --Logging:LogLevel:Default=Warning > /tmp/s$i.log 2>&1) &
  echo $! > /tmp/s$i.pid
done
for i in 1 2 3; do for t in $(seq 1 120); do [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:1830$i/health/ready)" = 200 ] && break; sleep 0.5; done; done
KEYS=()
for n in $(seq 1 12); do
  T=$(curl -s -H "$A" -H 'content-type: application/json' -d '{"name":"t","credits":100000}' http://127.0.0.1:18301/admin/v1/tenants | python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')
  K=$(curl -s -H "$A" -H 'content-type: application/json' -d '{"name":"k"}' http://127.0.0.1:18301/admin/v1/tenants/$T/keys | python3 -c 'import sys,json;print(json.load(sys.stdin)["key"])')
  KEYS+=("$K")
  for s in 1 2 3; do curl -s -o /dev/null -H "Authorization: Bearer $K" -H 'content-type: application/json' -d '{"input":"warm"}' http://127.0.0.1:1830$s/v1/embeddings; done
done
kill -9 $(cat /tmp/s3.pid); START=$(date +%s.%N)
python3 - "$START" "${KEYS[@]}" <<'PY'
import sys, time, json, urllib.request
start=float(sys.argv[1]); keys=sys.argv[2:]; done={}
while len(done) < len(keys) and time.time()-start < 120:
    for i,k in enumerate(keys):
        if i in done: continue
        for port in (18301, 18302):
            req=urllib.request.Request(f"http://127.0.0.1:{port}/v1/embeddings", data=json.dumps({"input":"after"}).encode(), headers={"Authorization":"Bearer "+k,"Content-Type":"application/json"})
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    if r.status==200 and port==18301: done[i]=time.time()-start
            except Exception: pass
    time.sleep(0.05)
print(f"tenants served again: {len(done)}/{len(keys)}; last {max(done.values()):.1f} s, first {min(done.values()):.1f} s after kill -9 of one of three silos")
PY
kill $(cat /tmp/s1.pid) $(cat /tmp/s2.pid) 2>/dev/null; sleep 3
