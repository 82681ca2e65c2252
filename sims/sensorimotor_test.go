package sims

import (
	"math"
	"testing"
)

// The trials' bias and variance at each movement time agree with the
// theory's recursions within their sampling error (4 standard errors), on
// several seeds and for an assisting force; bias and variance grow over
// the first second; an exact forward model with no external force has no
// bias at all.
func TestSensorimotorAgainstTheory(t *testing.T) {
	base := SensorimotorParams{Mass: 1, Damping: 1, Command: 0.1, Overestimate: 0.2, Motor: 0.1, Sensor: 0.02}
	assist := base
	assist.External = 0.05
	for _, p := range []SensorimotorParams{base, assist} {
		for seed := uint64(1); seed <= 3; seed++ {
			s, err := NewSensorimotor(p, seed)
			if err != nil {
				t.Fatal(err)
			}
			for range 4000 {
				s.Step()
			}
			for i, mt := range MovementTimes {
				b, v, n := s.Measured(i)
				tb, tv := s.Theory(mt)
				if se := math.Sqrt(tv / float64(n)); math.Abs(b-tb) > 4*se {
					t.Errorf("%+v seed %d t %g: bias %.3g, theory %.3g ± %.2g", p, seed, mt, b, tb, se)
				}
				if rel := math.Sqrt(2 / float64(n-1)); math.Abs(v/tv-1) > 4*rel {
					t.Errorf("%+v seed %d t %g: variance %.3g, theory %.3g (±%.0f%%)", p, seed, mt, v, tv, 100*rel)
				}
			}
		}
		s, _ := NewSensorimotor(p, 1)
		b05, v05 := s.Theory(0.5)
		b1, v1 := s.Theory(1)
		if !(math.Abs(b1) > math.Abs(b05) && v1 > v05) {
			t.Errorf("%+v: bias %.3g → %.3g, variance %.3g → %.3g from 0.5 to 1 s", p, b05, b1, v05, v1)
		}
	}
	// an assisting force the model does not know of makes it underestimate
	s, _ := NewSensorimotor(SensorimotorParams{Mass: 1, Damping: 1, Command: 0.1, External: 0.05, Motor: 0.1, Sensor: 0.02}, 1)
	if b, _ := s.Theory(1); !(b < 0) {
		t.Errorf("assisted, exact model: bias %g, want < 0", b)
	}
	s, _ = NewSensorimotor(SensorimotorParams{Mass: 1, Damping: 1, Command: 0.1, Motor: 0.1, Sensor: 0.02}, 1)
	if tp, b := s.PeakBias(); b != 0 {
		t.Errorf("exact model: bias %g at %g s", b, tp)
	}
}
