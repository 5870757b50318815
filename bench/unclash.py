#!/usr/bin/env python3
"""Give the generated articles that would share a URL a slug of their own.

digest puts an article at /YYYY/MM/DD/<slug of its title>/ (UTC days here)
and refuses to build when two articles get the same URL, naming both files.
gencorpus.py makes titles from a small vocabulary, so a large corpus holds
a few articles with the same title on the same day: 62 in a million with
seed 1, none in 100,000. In each such group, the file named after the title
keeps the title's URL and the others get `slug: <their file name>`, which
keeps Hugo's URLs as they were (Hugo names a page by its slug, else its
file name). Running it again changes nothing.

    python3 unclash.py SITE_DIR   prints how many files it changed
"""
import datetime
import os
import re
import sys


def slug(title):
    # digest's rule: lower case, letters and digits of any script kept,
    # every other run of characters one "-".
    return re.sub(r"[\W_]+", "-", title.lower()).strip("-")


def front_matter(path):
    """The article's (UTC day, slug), and whether it sets a slug itself."""
    title = date = given = None
    with open(path, encoding="utf-8") as f:
        if f.readline().strip() != "---":
            return None, False
        for line in f:
            if line.strip() == "---":
                break
            if line.startswith("title:"):
                title = line[6:].strip().strip('"')
            elif line.startswith("date:"):
                date = line[5:].strip().strip('"')
            elif line.startswith("slug:"):
                given = line[5:].strip().strip('"')
    if title is None or date is None:
        return None, False
    day = datetime.datetime.fromisoformat(date).astimezone(datetime.timezone.utc).date()
    return (day, given or slug(title)), given is not None


def main():
    root = os.path.join(sys.argv[1], "content")
    files = sorted(
        os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".md")
    )
    groups = {}
    for path in files:
        key, given = front_matter(path)
        if key is not None:
            groups.setdefault(key, []).append((path, given))
    taken = set(groups)
    changed = 0
    for (day, title_slug), paths in groups.items():
        if len(paths) == 1:
            continue
        # The file named after its title keeps the title's URL.
        stem = lambda p: os.path.splitext(os.path.basename(p))[0]
        paths.sort(key=lambda pg: (pg[1], stem(pg[0]) != title_slug, pg[0]))
        for path, given in paths[1:]:
            if given:
                continue
            new = stem(path)
            while (day, new) in taken:
                new += "-x"
            taken.add((day, new))
            with open(path, encoding="utf-8") as f:
                text = f.read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.replace("---\n", "---\nslug: " + new + "\n", 1))
            changed += 1
    print(changed)


if __name__ == "__main__":
    main()
