#!/usr/bin/python3
"""Seeds of fuzz/corpus/types: every value of tests/compat/types.json (PostgreSQL's own
text and binary output) plus edge cases, and SQL for the cursor grammar.

    /usr/bin/python3 fuzz/make_types_corpus.py
"""
import json, os, hashlib
root=os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
spec=json.load(open(root+'/tests/compat/types.json'))['types']
# index of each oid in builtin_types() (sorted by oid; same table as src/types/oid.cpp)
import re
src=open(root+'/src/types/oid.cpp').read()
oids=[int(m) for m in re.findall(r'\{(\d+), "', src)]
out=root+'/fuzz/corpus/types'
seeds=[]
for t in spec:
    i=oids.index(t['oid'])
    seeds.append(bytes([i,0])+t['text'].encode())
    seeds.append(bytes([i,1])+bytes.fromhex(t['binary']))
extra=[(3802,'{"b":[1,2,{"a":"\\u00e9\\ud83d\\ude00"}],"a":1e2, "a": -0}'),(114,' [1, "x" ,null] '),
       (1700,'NaN'),(1700,'-0.000123e-5'),(1186,'-1 years 2 mons -3 days 04:05:06.000001'),
       (1184,'2024-02-29 12:34:56.789012+05:30'),(1007,'{{1,2},{3,4}}'),(1009,'{"a\\"b",NULL,"", "c d"}'),
       (869,'192.168.0.1/24'),(650,'2001:db8::/32'),(1266,'23:59:59.999999-15:59'),(1082,'5874897-12-31'),
       (1114,'infinity'),(701,'-Infinity'),(700,'1e-45'),(17,'\\x00ff'),(2950,'{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}')]
for oid,text in extra:
    seeds.append(bytes([oids.index(oid),0])+text.encode())
seeds.append(b'DECLARE "c" BINARY NO SCROLL CURSOR WITH HOLD FOR SELECT 1 FOR READ ONLY')
seeds.append(b'FETCH FORWARD 1000 FROM _psql_cursor')
seeds.append(b'double precision[]')
for f in os.listdir(out): os.unlink(os.path.join(out,f))
for s in seeds:
    open(os.path.join(out,'seed-'+hashlib.sha1(s).hexdigest()[:12]),'wb').write(s)
print(len(seeds))
