package i18n

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/ar"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/de_AT"
	"github.com/go-playground/locales/de_CH"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/en_AU"
	"github.com/go-playground/locales/en_CA"
	"github.com/go-playground/locales/en_GB"
	"github.com/go-playground/locales/en_IE"
	"github.com/go-playground/locales/en_IN"
	"github.com/go-playground/locales/en_NZ"
	"github.com/go-playground/locales/en_PH"
	"github.com/go-playground/locales/en_SG"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/es_419"
	"github.com/go-playground/locales/es_MX"
	"github.com/go-playground/locales/fil"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/fr_BE"
	"github.com/go-playground/locales/fr_CA"
	"github.com/go-playground/locales/fr_CH"
	"github.com/go-playground/locales/ja"
)

// cldrLocales are the CLDR locales digest knows, by lowercase tag: the
// languages the theme ships and the regions whose dates differ from
// their language's. Each package is some hundred kilobytes, so not all
// of CLDR is built in.
var cldrLocales = map[string]func() locales.Translator{
	"ar": ar.New, "de": de.New, "de-at": de_AT.New, "de-ch": de_CH.New,
	"en": en.New, "en-au": en_AU.New, "en-ca": en_CA.New, "en-gb": en_GB.New, "en-ie": en_IE.New,
	"en-in": en_IN.New, "en-nz": en_NZ.New, "en-ph": en_PH.New, "en-sg": en_SG.New,
	"es": es.New, "es-419": es_419.New, "es-mx": es_MX.New, "fil": fil.New,
	"fr": fr.New, "fr-be": fr_BE.New, "fr-ca": fr_CA.New, "fr-ch": fr_CH.New, "ja": ja.New,
}

// cldrFor is the CLDR locale of tag, else of its base language, else
// English's.
func cldrFor(tag string) locales.Translator {
	for _, t := range fallbacks(tag) {
		if l, ok := cldrLocales[t]; ok {
			return l()
		}
	}
	return en.New()
}

// Date formats t with layout, in the language:
//
//   - ":date_full", ":date_long", ":date_medium", ":date_short": CLDR's
//     date styles ("Tuesday, May 30, 2017" in English, "2017年5月30日火曜日"
//     in Japanese);
//   - ":time_short": CLDR's short time ("10:04 PM", "22:04");
//   - ":zone": the time zone as people write it (see Zone);
//   - anything else: a Go layout, with the language's month and day names
//     in place of "January", "Jan", "Monday" and "Mon".
func (l *Locale) Date(layout string, t time.Time) string {
	switch layout {
	case ":date_full":
		return l.cldr.FmtDateFull(t)
	case ":date_long":
		return l.cldr.FmtDateLong(t)
	case ":date_medium":
		return l.cldr.FmtDateMedium(t)
	case ":date_short":
		return l.cldr.FmtDateShort(t)
	case ":time_short":
		return l.cldr.FmtTimeShort(t)
	case ":zone":
		return Zone(t)
	}
	var b strings.Builder
	for layout != "" {
		i, name, n := nextName(layout, t, l.cldr)
		if i < 0 {
			b.WriteString(t.Format(layout))
			break
		}
		if i > 0 {
			b.WriteString(t.Format(layout[:i]))
		}
		b.WriteString(name)
		layout = layout[i+n:]
	}
	return b.String()
}

// nextName finds the first month or day name in a Go layout: its offset
// (-1 for none), the name in the language, and the length of the layout's
// token.
func nextName(layout string, t time.Time, c locales.Translator) (int, string, int) {
	for i := 0; i < len(layout); i++ {
		switch s := layout[i:]; {
		case strings.HasPrefix(s, "January"):
			return i, c.MonthWide(t.Month()), len("January")
		case strings.HasPrefix(s, "Jan"):
			return i, c.MonthAbbreviated(t.Month()), len("Jan")
		case strings.HasPrefix(s, "Monday"):
			return i, c.WeekdayWide(t.Weekday()), len("Monday")
		case strings.HasPrefix(s, "Mon"):
			return i, c.WeekdayAbbreviated(t.Weekday()), len("Mon")
		}
	}
	return -1, "", 0
}

// Zone is t's time zone as people write it: its abbreviation when the
// IANA zone has one made of letters ("PST" in Manila, "JST", "CEST"), else
// its offset from UTC, "UTC+3" or "UTC+5:45", where tzdata gives only
// digits ("+03").
func Zone(t time.Time) string {
	name, offset := t.Zone()
	if name != "" && (name[0] >= 'A' && name[0] <= 'Z') {
		return name
	}
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	h, m := offset/3600, offset%3600/60
	if m == 0 {
		return fmt.Sprintf("UTC%c%d", sign, h)
	}
	return fmt.Sprintf("UTC%c%d:%02d", sign, h, m)
}
