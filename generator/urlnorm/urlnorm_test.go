package urlnorm

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, norm, key string
	}{
		// Tracking parameters, fragments and the query's order.
		{"https://www.nytimes.com/2026/11/28/world/asia/north-korea.html?utm_source=twitter&utm_medium=social#comments",
			"https://www.nytimes.com/2026/11/28/world/asia/north-korea.html",
			"https://nytimes.com/2026/11/28/world/asia/north-korea.html"},
		{"https://www.theguardian.com/world/2026/nov/28/story?CMP=share_btn_tw&fbclid=IwAR0abc",
			"https://www.theguardian.com/world/2026/nov/28/story?CMP=share_btn_tw",
			"https://theguardian.com/world/2026/nov/28/story?CMP=share_btn_tw"},
		{"https://example.com/search?q=go&page=2&gclid=Cj0KCQ&UTM_Campaign=x",
			"https://example.com/search?page=2&q=go",
			"https://example.com/search?page=2&q=go"},
		{"https://example.com/a?utm_source=rss", "https://example.com/a", "https://example.com/a"},
		{"https://example.com/a?", "https://example.com/a", "https://example.com/a"},
		{"https://example.com/a?&&b=1&", "https://example.com/a?b=1", "https://example.com/a?b=1"},
		{"https://example.com/a?b=2&b=1&a", "https://example.com/a?a&b=1&b=2", "https://example.com/a?a&b=1&b=2"},
		{"https://example.com/a?msclkid=1&mc_cid=2&mc_eid=3&_ga=4&igshid=5&id=7",
			"https://example.com/a?id=7", "https://example.com/a?id=7"},
		{"https://example.com/a?utm%5Fsource=x", "https://example.com/a", "https://example.com/a"},
		{"https://news.example.com/#!/story/1", "https://news.example.com/", "https://news.example.com/"},
		// Scheme, host and port.
		{"HTTP://WWW.BBC.CO.UK/news/world-asia-12345", "http://www.bbc.co.uk/news/world-asia-12345",
			"https://bbc.co.uk/news/world-asia-12345"},
		{"http://example.com:80/a", "http://example.com/a", "https://example.com/a"},
		{"https://example.com:443/a", "https://example.com/a", "https://example.com/a"},
		{"https://example.com:8443/a", "https://example.com:8443/a", "https://example.com:8443/a"},
		{"http://example.com:443/a", "http://example.com:443/a", "https://example.com:443/a"},
		{"https://example.com:/a", "https://example.com/a", "https://example.com/a"},
		{"https://example.com./a", "https://example.com/a", "https://example.com/a"},
		{"https://example.com", "https://example.com/", "https://example.com/"},
		{"  https://example.com/a  ", "https://example.com/a", "https://example.com/a"},
		{"https://user:secret@example.com/a", "https://example.com/a", "https://example.com/a"},
		{"https://www.com/a", "https://www.com/a", "https://www.com/a"},
		{"https://www.www.example.com/a", "https://www.www.example.com/a", "https://example.com/a"},
		{"https://wwwexample.com/a", "https://wwwexample.com/a", "https://wwwexample.com/a"},
		{"http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a", "https://[2001:db8::1]/a"},
		{"http://192.0.2.1:8080/a", "http://192.0.2.1:8080/a", "https://192.0.2.1:8080/a"},
		// Unicode hosts become their ASCII form.
		{"https://www.bücher.de/neu", "https://www.xn--bcher-kva.de/neu", "https://xn--bcher-kva.de/neu"},
		{"https://ПРИМЕР.рф/новости", "https://xn--e1afmkfd.xn--p1ai/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8",
			"https://xn--e1afmkfd.xn--p1ai/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"},
		{"https://xn--bcher-kva.de/neu", "https://xn--bcher-kva.de/neu", "https://xn--bcher-kva.de/neu"},
		{"https://b%C3%BCcher.de/", "https://xn--bcher-kva.de/", "https://xn--bcher-kva.de/"},
		// Percent-encoding: one spelling of each byte.
		{"https://example.com/%7euser/caf%c3%a9", "https://example.com/~user/caf%C3%A9", "https://example.com/~user/caf%C3%A9"},
		{"https://example.com/café", "https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"},
		{"https://example.com/a%2Fb", "https://example.com/a%2Fb", "https://example.com/a%2Fb"},
		{"https://example.com/a%2fb", "https://example.com/a%2Fb", "https://example.com/a%2Fb"},
		{"https://example.com/a b", "https://example.com/a%20b", "https://example.com/a%20b"},
		{"https://example.com/s?q=caf%c3%a9+au+lait&x=%41", "https://example.com/s?q=caf%C3%A9+au+lait&x=A",
			"https://example.com/s?q=caf%C3%A9+au+lait&x=A"},
		{"https://example.com/s?q=a%26b", "https://example.com/s?q=a%26b", "https://example.com/s?q=a%26b"},
		// AMP pages keep their own address: the AMP and canonical pages are
		// two addresses the curator may both meet, not one.
		{"https://www.google.com/amp/s/www.bbc.co.uk/news/world-1.amp", "https://www.google.com/amp/s/www.bbc.co.uk/news/world-1.amp",
			"https://google.com/amp/s/www.bbc.co.uk/news/world-1.amp"},
		{"https://edition.cnn.com/2026/11/28/politics/story/index.html?amp=1&utm_source=rss",
			"https://edition.cnn.com/2026/11/28/politics/story/index.html?amp=1",
			"https://edition.cnn.com/2026/11/28/politics/story/index.html?amp=1"},
		// A trailing slash is kept: sites serve different pages with and without one.
		{"https://example.com/a/", "https://example.com/a/", "https://example.com/a/"},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if err != nil || got != tt.norm {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.norm)
		}
		got, err = Key(tt.in)
		if err != nil || got != tt.key {
			t.Errorf("Key(%q) = %q, %v; want %q", tt.in, got, err, tt.key)
		}
	}
}

func TestNormalizeRefuses(t *testing.T) {
	tests := []struct{ in, err string }{
		{"", "must start with http:// or https://"},
		{"example.com/a", "must start with http:// or https://"},
		{"ftp://example.com/a", "must start with http:// or https://"},
		{"mailto:editor@example.com", "must start with http:// or https://"},
		{"https:example.com", "has no // after its scheme"},
		{"https:///a", "has no host"},
		{"https://exa mple.com/", "invalid character"},
		{"https://example.com/%zz", "invalid URL escape"},
		{"https://ex_ample.com/", "is not a domain name"},
		{"http://../", "is not a domain name"},
		{"http://a..b/", "is not a domain name"},
		{"http://[fe80::1%25eth0]/", "has a zone"},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Normalize(%q) = %q, %v; want an error with %q", tt.in, got, err, tt.err)
		}
	}
}

// FuzzNormalize checks that normalising never panics and that a result
// normalises to itself.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"https://www.example.com/a?utm_source=x&b=1#f", "http://EXAMPLE.com:80/%7e", "https://bücher.de/",
		"http://[::1]:8080/", "https://www.www.a.b/?&", "https://a.b/?q=%c3%a9+x", "https://a.b/?%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, fn := range []struct {
			name string
			fn   func(string) (string, error)
		}{{"Normalize", Normalize}, {"Key", Key}} {
			once, err := fn.fn(in)
			if err != nil {
				continue
			}
			twice, err := fn.fn(once)
			if err != nil || twice != once {
				t.Errorf("%s(%q) = %q, but %s(%q) = %q, %v", fn.name, in, once, fn.name, once, twice, err)
			}
		}
	})
}
