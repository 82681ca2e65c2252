package topic

import (
	"math"
	"testing"
)

// Every question's set-up is valid, runs headless for its bounded steps
// without NaN, and its observable moves as its line says.
func TestQuestions(t *testing.T) {
	for _, tp := range All {
		ids := map[string]bool{}
		for i := range tp.Questions {
			q := &tp.Questions[i]
			if ids[q.ID] {
				t.Errorf("%s: question id %s twice", tp.ID, q.ID)
			}
			ids[q.ID] = true
			t.Run(tp.ID+"/"+q.ID, func(t *testing.T) {
				t.Parallel()
				if q.Text == "" || q.From == "" || q.Do == "" || q.Expect == nil {
					t.Fatal("a question needs its text, source, line and check")
				}
				o, err := q.Run(tp)
				if err != nil {
					t.Fatal(err)
				}
				// NaN marks a figure a run does not have (no theory for a
				// Lévy walk's MSD, no loss before the first update): a
				// column NaN throughout, or in the first row only; a NaN
				// among numbers is a failure
				for j, c := range o.Cols {
					col := o.Col(c)
					nan := 0
					for i, x := range col {
						if math.IsInf(x, 0) {
							t.Fatalf("%s = %v in row %d", c, x, i)
						}
						if math.IsNaN(x) && i > 0 {
							nan++
						}
					}
					if nan > 0 && nan < len(col)-1 {
						t.Fatalf("column %d (%s): NaN in %d of %d rows", j, c, nan, len(col))
					}
				}
				for k, x := range o.Summary {
					if math.IsNaN(x) || math.IsInf(x, 0) {
						t.Fatalf("summary %s = %v", k, x)
					}
				}
				if err := q.Expect(o); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// Every topic has questions; the seminar topics at least three.
func TestEveryTopicHasQuestions(t *testing.T) {
	for _, tp := range All {
		want := 2
		if tp.Unit == UnitSeminar {
			want = 3
		}
		if len(tp.Questions) < want {
			t.Errorf("%s: %d questions, want at least %d", tp.ID, len(tp.Questions), want)
		}
	}
	if _, err := Hopfield.Question("nope"); err == nil {
		t.Error("an unknown question accepted")
	}
}
