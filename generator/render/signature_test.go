package render

import (
	"reflect"
	"testing"
	"time"

	"github.com/digest/digest/generator/config"
)

// TestConfigSumCoversConfig changes each field of the configuration, which
// templates read as .Site, and checks that the pages' signature changes:
// a field added to config.Config and left out of configSum fails here.
func TestConfigSumCoversConfig(t *testing.T) {
	// Disable and Enable reach templates as Outputs, which is summed.
	derived := map[string]bool{"Disable": true, "Enable": true}
	base := configSum(config.Default())
	typ := reflect.TypeFor[config.Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() || derived[f.Name] {
			continue
		}
		c := config.Default()
		v := reflect.ValueOf(c).Elem().Field(i)
		switch f.Name {
		case "Location":
			v.Set(reflect.ValueOf(time.FixedZone("X", 3600)))
		case "Outputs":
			c.Outputs.Days = !c.Outputs.Days
		default:
			if !setOther(v) {
				t.Errorf("config.Config.%s (%s): the test cannot change it; teach setOther", f.Name, f.Type)
				continue
			}
		}
		if configSum(c) == base {
			t.Errorf("changing config.Config.%s leaves the pages' signature as it was", f.Name)
		}
	}
}

// setOther sets v to a value other than the default's.
func setOther(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Int:
		v.SetInt(v.Int() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.ValueOf("k").Convert(v.Type().Key()), reflect.Zero(v.Type().Elem()))
		v.Set(m)
	default:
		return false
	}
	return true
}
