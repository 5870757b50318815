package site

// When site.yaml switches a kind of page off, the model still has what the
// page would show (every source, every day), but the URLs that would lead
// to the missing pages lead elsewhere or nowhere, so that no template
// links to a page that is not there.

// placeDays points each edition's URL at its day on its month's page,
// /2017/05/#day-2017-05-31, when the site has no day pages. The built-in
// month template gives each day that id.
func (s *Site) placeDays() {
	if s.Outputs.Days {
		return
	}
	for _, m := range s.Months {
		for _, e := range m.Editions {
			e.URL = m.URL + "#day-" + e.Date.Format("2006-01-02")
		}
	}
}

// unlinkSources empties each source's URL when the site has no source
// pages: templates show the name without a link then.
func (s *Site) unlinkSources() {
	if s.Outputs.Sources {
		return
	}
	for _, src := range s.Sources {
		src.URL = ""
	}
}
