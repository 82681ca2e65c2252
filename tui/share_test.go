package tui

import (
	"fmt"
	"math"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"gonum.org/v1/gonum/floats"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/sims"
	"github.com/jclub/jclub/topic"
)

// headless is what a run printed: its columns and rows.
type headless struct {
	cols []string
	rows [][]float64
}

// last is the named column of the last row.
func (h headless) last(name string) float64 {
	for j, c := range h.cols {
		if c == name && len(h.rows) > 0 {
			return h.rows[len(h.rows)-1][j]
		}
	}
	return math.NaN()
}

// sum is the named column summed over the rows.
func (h headless) sum(name string) float64 {
	s := 0.0
	for j, c := range h.cols {
		if c == name {
			for _, r := range h.rows {
				s += r[j]
			}
		}
	}
	return s
}

// observed is a figure the screen shows and the headless run prints.
type observed struct {
	what         string
	headless, on float64
}

// observables says, for each topic's units, which figures of the screen
// the headless run must reproduce.
func observables(r *runner, h headless) []observed {
	v := r.st.v
	switch u := r.st.u.(type) {
	case *diffusion:
		m, _ := u.d.MSD()
		return []observed{{"t", h.last("t"), u.d.T()}, {"msd", h.last("msd"), m}}
	case *anomalous:
		m, _ := u.a.EnsembleMSD()
		return []observed{{"t", h.last("t"), float64(u.a.Time())}, {"msd", h.last("msd"), m}}
	case *scallop:
		mid, x0 := u.sc.MidHigh(), u.highT.ys[0]
		if v.Choice("fluid") == "syrup" {
			mid, x0 = u.sc.MidLow(), u.lowT.ys[0]
		}
		return []observed{{"x", h.last("x"), mid - x0}}
	case *swimmer:
		fresh, _ := sims.NewThreeSphere(topic.SwimmerParams(v))
		return []observed{{"x", h.last("x"), u.sw.Centre() - fresh.Centre()}}
	case *cells:
		return []observed{{"t", h.last("t"), u.rt.T()}, {"msd", h.last("msd"), u.rt.MSD()}}
	case *perceptron:
		return []observed{{"step", h.last("step"), float64(u.pc.Seen)}, {"mistakes", h.last("mistakes"), float64(u.pc.Mistakes)}}
	case *cover:
		return []observed{{"trials", h.sum("trials"), float64(u.tries())}}
	case *hopfield:
		return []observed{{"step", h.last("step"), float64(u.net.Updates)}, {"energy", h.last("energy"), u.net.E}}
	case *capacity:
		return []observed{{"trials", h.sum("trials"), float64(u.trials())}}
	case *backprop:
		return []observed{{"samples", h.last("samples"), float64(u.tr.Samples())},
			{"test_accuracy", h.last("test_accuracy"), u.tr.Net.Accuracy(u.data.Test)}}
	case *cnn:
		return []observed{{"samples", h.last("samples"), float64(u.tr.Samples())},
			{"test_accuracy", h.last("test_accuracy"), u.tr.Net.Accuracy(u.data.Test)},
			{"mlp_test_accuracy", h.last("mlp_test_accuracy"), u.mlp.Net.Accuracy(u.data.Test)},
			{"filter_smoothness", h.last("filter_smoothness"), u.tr.Net.FilterSmoothness()}}
	case *encoder:
		return []observed{{"cycle", h.last("cycle"), u.enc.CyclesDone()}, {"G", h.last("kl"), u.enc.G()}}
	case *rbm:
		return []observed{{"batch", h.last("batch"), float64(u.tr.Batches)}, {"recon_error", h.last("recon_error"), u.tr.Last}}
	case *deep:
		if !u.cmp.Pretrained() {
			return []observed{{"rows while pretraining", float64(len(h.rows)), 0}}
		}
		out := []observed{{"update", h.last("update"), float64(u.cmp.Runs[0].Batches)}}
		for i, name := range models.CompareStarts {
			out = append(out, observed{name, h.last(name), u.cmp.Runs[i].Net.Accuracy(u.data.Test)})
		}
		return out
	case *entropy:
		return []observed{{"samples", h.last("samples"), float64(u.e.N)}, {"plugin", h.last("plugin"), models.PlugIn(u.e.Counts)}}
	case *channel:
		return []observed{{"iteration", h.last("iteration"), float64(u.b.Iter)}, {"lower", h.last("lower"), u.b.Lower}}
	case *rateDistortion:
		out := []observed{{"points", float64(len(h.rows)), float64(len(u.rd.Points))}}
		if n := len(u.rd.Points); n > 0 {
			out = append(out, observed{"last R", h.last("R"), u.rd.Points[n-1][1]})
		}
		return out
	case *plane:
		k := len(u.pl.IXT) - 1
		return []observed{{"epoch", h.last("epoch"), float64(u.pl.Epochs[k])}, {"ixt", h.last("ixt"), u.pl.IXT[k][len(u.pl.IXT[k])-1]}}
	case *laughlin:
		return []observed{{"step", h.last("step"), float64(u.l.N / u.l.Params().Batch)}, {"output_entropy", h.last("output_entropy"), u.l.OutputEntropy()}}
	case *kalman:
		return []observed{{"step", h.last("step"), float64(u.kf.Steps)}, {"error", h.last("error"), u.kf.Error()}, {"nis_mean", h.last("nis_mean"), u.kf.MeanNIS()}}
	case *lqr:
		return []observed{{"step", h.last("step"), float64(u.l.Steps)}, {"theta", h.last("theta"), u.l.S[2]}, {"cost", h.last("cost"), u.l.Cost}}
	case *lqg:
		return []observed{{"step", h.last("step"), float64(u.l.Steps)}, {"theta", h.last("theta"), u.l.S[2]}, {"cost_full", h.last("cost_full"), u.l.CostF}}
	case *sensorimotor:
		b, _, _ := u.s.Measured(2)
		return []observed{{"trials", h.sum("trials"), float64(u.s.Trials)}, {"bias at 1 s", h.rows[2][2], b}}
	case *rnnUnit:
		out := []observed{{"step", h.last("step"), float64(u.tr.Steps)}}
		if u.tr.Steps > 0 {
			out = append(out, observed{"loss", h.last("loss"), u.tr.SmoothLoss()}, observed{"grad_norm", h.last("grad_norm"), u.tr.GradNorm})
		}
		return out
	case *mixICA:
		return []observed{{"step", h.last("step"), float64(u.c.Steps)}, {"amari", h.last("amari"), u.c.Amari()}}
	case *patchICA:
		var k, n float64
		for _, r := range h.rows {
			if r[0] == 1 {
				k, n = k+r[2], n+1
			}
		}
		return []observed{{"ica filters", n, float64(len(u.icaK))}, {"ica kurtosis", k / n, mean(u.icaK)}}
	case *gridRL:
		if u.dp != nil {
			return []observed{{"states", float64(len(h.rows)), float64(len(u.dp.V))}, {"sum of V", h.sum("value"), floats.Sum(u.dp.V)}}
		}
		n := u.agents[0].Episodes
		for _, l := range u.agents {
			n = min(n, l.Episodes)
		}
		out := []observed{{"episodes", float64(len(h.rows)), float64(n)}}
		if a := u.agents[0]; len(u.agents) == 1 && n > 0 {
			inEpisode := 0
			if a.S >= 0 {
				inEpisode = a.Length
			}
			out = append(out, observed{"return", h.last("return"), a.LastReturn}, observed{"moves", h.sum("steps"), float64(a.Moves - inEpisode)})
		}
		return out
	case *walkRL:
		out := []observed{{"episodes", float64(len(h.rows)), float64(u.agents[0].Episodes)}}
		if len(h.rows) > 0 {
			out = append(out, observed{"rms", h.last("rms"), u.rms[0].ys[len(u.rms[0].ys)-1]})
		}
		return out
	case *condRL:
		out := []observed{{"trials", float64(len(h.rows)), float64(u.c.Trials)}}
		if len(h.rows) > 0 {
			out = append(out, observed{"delta_cue", h.last("delta_cue"), u.c.DeltaCue})
		}
		return out
	case *poleRL:
		out := []observed{{"trials", float64(len(h.rows)), float64(u.c.Trials)}}
		if len(h.rows) > 0 {
			out = append(out, observed{"steps", h.last("steps"), float64(u.c.LastLen)})
		}
		return out
	case *depthSweep:
		out := []observed{{"depths done", float64(len(h.rows)), float64(len(u.sw.Acc))}}
		for d, a := range u.sw.Acc {
			out = append(out, observed{fmt.Sprintf("depth %d", d+1), h.rows[d][1], a})
		}
		return out
	}
	return nil
}

// The share line of every experiment, run headless, ends where the screen
// is: the same step and the same figures; and jclub open with it opens the
// same screen.
func TestShareLineOfEveryExperiment(t *testing.T) {
	if _, err := models.LoadMNIST(); err != nil {
		t.Fatal(err)
	}
	for _, e := range everyExperiment(t) {
		for _, k := range []int{7, 61} {
			t.Run(fmt.Sprintf("%s/%d", e.name, k), func(t *testing.T) {
				a := newTestApp(Options{Topic: e.t, Values: e.v, Seed: 5})
				a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
				r := runnerOf(t, a)
				r.Advance(k)
				line := r.Command()
				if !strings.Contains(line, fmt.Sprintf("--steps %d ", k)) {
					t.Fatalf("share line %q has no --steps %d", line, k)
				}
				op, err := topic.ParseOpen(strings.Fields(line)[2:])
				if err != nil {
					t.Fatal(err)
				}
				var rows topic.Rows
				if err := op.Topic.Run(op.Values, op.Seed, op.Steps, op.Topic.Every, &rows); err != nil {
					t.Fatal(err)
				}
				h := headless{op.Topic.Columns(op.Values), rows.Rows}
				obs := observables(r, h)
				if len(obs) == 0 {
					t.Fatalf("no observables for %T", r.st.u)
				}
				for _, o := range obs {
					if !(math.Abs(o.headless-o.on) <= 1e-12*math.Max(1, math.Abs(o.on))) {
						t.Errorf("%s: headless %v, on screen %v (%s)", o.what, o.headless, o.on, line)
					}
				}
				b := newTestApp(Options{Topic: op.Topic, Values: op.Values, Seed: op.Seed, Steps: op.Steps})
				b.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
				// the state, not the wall clock: an estimate of the time
				// left (" · epoch ends in 29s") is the rate of the steps
				if rb := runnerOf(t, b); rb.st.steps != k || untimed(rb.st.u.status()) != untimed(r.st.u.status()) {
					t.Errorf("jclub open with the share line: step %d, %q; the screen: step %d, %q", rb.st.steps, rb.st.u.status(), k, r.st.u.status())
				}
			})
		}
	}
}

// untimed is a status without its estimate of the time left.
func untimed(status string) string {
	if i := strings.Index(status, " · epoch ends in "); i >= 0 {
		return status[:i]
	}
	return status
}
