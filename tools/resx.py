#!/usr/bin/env python3
"""Adds or updates Russian UI strings in src/PhoneCrm.Web/Resources/SharedResource.ru.resx.

Usage: tools/resx.py 'English key=Русский перевод' ...   (or lines of key<TAB>value on stdin)
Keys are the English texts used in T["..."]; English needs no resource file.
       tools/resx.py --resolve   after a merge/rebase conflict in the file: keeps both sides' strings, sorted.
"""
import sys, os, xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

PATH = os.path.join(os.path.dirname(__file__), '..', 'src', 'PhoneCrm.Web', 'Resources', 'SharedResource.ru.resx')
HEADER = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
'''

def load():
    entries = {}
    if os.path.exists(PATH):
        for d in ET.parse(PATH).getroot().findall('data'):
            entries[d.get('name')] = d.find('value').text or ''
    return entries

def save(entries):
    with open(PATH, 'w', encoding='utf-8') as f:
        f.write(HEADER)
        for k in sorted(entries, key=str.lower):
            f.write(f'  <data name="{escape(k, {chr(34): "&quot;"})}" xml:space="preserve"><value>{escape(entries[k])}</value></data>\n')
        f.write('</root>\n')

def resolve():
    """Two branches that each added strings conflict only because their lines are neighbours: keep every line."""
    with open(PATH, encoding='utf-8') as f:
        lines = [l for l in f if not l.startswith(('<<<<<<<', '=======', '>>>>>>>', '|||||||'))]
    with open(PATH, 'w', encoding='utf-8') as f:
        f.writelines(lines)
    save(load())

if __name__ == '__main__':
    if sys.argv[1:] == ['--resolve']:
        resolve()
        print(f'{len(load())} strings')
        sys.exit(0)
    entries = load()
    pairs = sys.argv[1:] or [l.rstrip('\n') for l in sys.stdin if l.strip()]
    for p in pairs:
        sep = '\t' if '\t' in p else '='
        k, v = p.split(sep, 1)
        clash = [e for e in entries if e.lower() == k.lower() and e != k]
        if clash:
            sys.exit(f'"{k}" differs from existing "{clash[0]}" only by case; .NET resources would drop one: pick another key')
        entries[k] = v
    save(entries)
    print(f'{len(entries)} strings')
