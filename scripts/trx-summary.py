"""Sums the <Counters> of every TRX file under a folder into one line: 'N passed, N failed'."""
import sys, pathlib, xml.etree.ElementTree as ET

passed = failed = 0
files = list(pathlib.Path(sys.argv[1]).rglob("*.trx"))
for f in files:
    counters = ET.parse(f).getroot().find(".//{*}ResultSummary/{*}Counters")
    if counters is None:
        failed += 1
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
if not files:
    failed += 1
print(f"{passed} passed, {failed} failed")
