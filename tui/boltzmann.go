package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// The Boltzmann topic has two units: the 1985 encoder annealing sweep by
// sweep, awake and asleep; and an RBM learning MNIST.

func newBoltzmann(part string) unit {
	if part == topic.PartRBM {
		return &rbm{}
	}
	return &encoder{}
}

type boltzmannPanel struct{}

func (boltzmannPanel) tabs() []string                          { return []string{"Theory"} }
func (boltzmannPanel) panel(_ *drawer, _ string, w int) string { return wrap(boltzmannTheory, w) }
func (boltzmannPanel) keys() []key.Binding                     { return []key.Binding{viewKey} }

// encoder is the 4-2-4 (or 8-3-8) encoder learning a code.
type encoder struct {
	boltzmannPanel
	enc  *models.Encoder
	view int // 0 weights, 1 wake − sleep, 2 sampling against exact
	// evaluated every five cycles
	correct, g trace
	tests      []models.Completion
	solved     bool
	klX, klY   []float64 // KL of sampled from exact against samples
	seed       uint64
}

func (s *encoder) reset(v topic.Values, seed uint64) error {
	e, err := models.NewEncoder(topic.EncoderParams(v), seed)
	if err != nil {
		return err
	}
	*s = encoder{enc: e, view: s.view, seed: seed}
	s.evaluate()
	if s.view == 2 {
		s.sample()
	}
	return nil
}

// evaluate computes the encoder's completions exactly and records its
// learning curve.
func (s *encoder) evaluate() {
	e := s.enc
	s.solved, s.tests = e.Solved()
	var right float64
	for _, c := range s.tests {
		right += c.PRight / float64(len(s.tests))
	}
	s.correct.add(float64(e.Cycles), right)
	s.g.add(float64(e.Cycles), e.G())
}

// sample measures how sampling the free machine approaches the exact
// distribution, from the current weights.
func (s *encoder) sample() {
	sched := s.enc.Params().Schedule
	s.klX = []float64{25, 50, 100, 200, 400, 800, 1600, 3200}
	ns := make([]int, len(s.klX))
	for i, x := range s.klX {
		ns[i] = int(x)
	}
	s.klY = s.enc.SamplingKL(sched[len(sched)-1].T, ns, s.seed+uint64(s.enc.Cycles))
}

func (s *encoder) step() {
	if s.enc.StepSweep() && s.enc.Cycles%5 == 0 {
		s.evaluate()
	}
}

func (s *encoder) key(msg tea.KeyMsg) bool {
	if !key.Matches(msg, viewKey) {
		return false
	}
	s.view = (s.view + 1) % 3
	if s.view == 2 {
		s.sample()
	}
	return true
}

func (s *encoder) status() string {
	e := s.enc
	if e.Phase == "" {
		return fmt.Sprintf("cycle %d · sweep %d", e.Cycles+1, e.Sweeps)
	}
	return fmt.Sprintf("cycle %d · sweep %d · %s · T = %g", e.Cycles+1, e.Sweeps, e.Phase, e.T)
}

func (s *encoder) layout(d *drawer) layout {
	e, S := s.enc, d.S()
	p := e.Params()
	var lower box
	switch s.view {
	case 0:
		lower = box{title: "weights: A = V1, B = V2, H = hidden; dot: no link", min: e.Units() + 1,
			draw: func(w, h int) string {
				return d.throttled("weights", w, h, func() string { return s.matrix(d, e.W, "%.0f", w, h) })
			}}
	case 1:
		diff := make([][]float64, e.Units())
		for i := range diff {
			diff[i] = make([]float64, e.Units())
			for j := range diff[i] {
				diff[i][j] = e.Plus[i][j] - e.Minus[i][j]
			}
		}
		lower = box{title: "wake p⁺ − sleep p⁻ of the last cycle", min: e.Units() + 1,
			draw: func(w, h int) string {
				return d.throttled("wake-sleep", w, h, func() string { return s.matrix(d, diff, "%+.2f", w, h) })
			}}
	default:
		lower = d.chart("kl", fmt.Sprintf("sampling against the exact distribution (2^%d states)", e.Units()),
			S.Series[0].Render(fmt.Sprintf("━ KL(sampled ‖ exact) after %s sweeps: %.4f", num(last(s.klX)), last(s.klY))), s.drawKL)
	}
	lower.title += " (v: next)"
	update := S.Dim.Render("press n for one annealing sweep (units flicker as T falls), space to learn continuously")
	if e.Sweeps > 0 {
		update = S.Accent.Render(fmt.Sprintf("sweep %d of the cycle's %d: every free unit turned on with probability σ(ΔE/T)", (e.Sweeps-1)%e.SweepsPerCycle()+1, e.SweepsPerCycle()))
	}
	return layout{
		main: box{title: fmt.Sprintf("%d-%d-%d encoder (1985)", p.N, p.H, p.N), essential: s.shownCompletions(),
			draw: func(w, h int) string { return s.machine(d, w, h) }},
		update: update,
		right: []box{
			d.chart("learning", "learning: P(right V2) and G",
				S.Series[0].Render(fmt.Sprintf("━ P(right) %.2f", last(s.correct.ys)))+"  "+S.Series[1].Render(fmt.Sprintf("┅ G = %.3f nats (scaled)", last(s.g.ys))), s.drawLearning),
			lower,
		},
	}
}

// shownCompletions are the completions' P(right) as the machine prints them.
func (s *encoder) shownCompletions() []string {
	var out []string
	for _, t := range s.tests {
		out = append(out, fmt.Sprintf("%.2f", t.PRight))
	}
	return out
}

// machine draws the units and the exact completions of every pattern, w
// wide: the units spaced out where they fit.
func (s *encoder) machine(d *drawer, w, h int) string {
	e, S := s.enc, d.S()
	p := e.Params()
	gap := " "
	if 2*(2*p.N+p.H)+16 > w {
		gap = ""
	}
	group := func(lo, hi int) string {
		var b strings.Builder
		for i := lo; i < hi; i++ {
			if e.S[i] > 0 {
				b.WriteString(S.Accent.Render("●") + gap)
			} else {
				b.WriteString(S.Dim.Render("○") + gap)
			}
		}
		return b.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  V1 %s  H %s  V2 %s\n", group(0, p.N), group(2*p.N, e.Units()), group(p.N, 2*p.N))
	if e.Phase == "" {
		b.WriteString("  before the first sweep\n")
	} else {
		fmt.Fprintf(&b, "  %s at T = %g\n", e.Phase, e.T)
	}
	b.WriteString(wrap("  exact at T = 10: V2, P(right), code", w) + "\n")
	var rows, tight []string
	for k, t := range s.tests {
		code := ""
		for h := 0; h < p.H; h++ {
			code += fmt.Sprint(t.Code >> h & 1)
		}
		out := "mixed" // several V2 units on
		if t.Out == 0 {
			out = "none"
		}
		for i := 0; i < p.N; i++ {
			if t.Out == 1<<i {
				out = fmt.Sprint(i + 1)
			}
		}
		mark := S.Good.Render("✓")
		if !t.Right {
			mark = S.Bad.Render("✗")
		}
		rows = append(rows, fmt.Sprintf("%d → %-5s %s %.2f %s", k+1, out, mark, t.PRight, code))
		short := map[string]string{"none": "–", "mixed": "mix"}[out]
		if short == "" {
			short = out
		}
		tight = append(tight, fmt.Sprintf("%d→%-3s%s %.2f %s", k+1, short, mark, t.PRight, code))
	}
	// one pattern a line where they fit, else two side by side
	lines := strings.Count(b.String(), "\n")
	if lines+len(rows)+1 > h && 2*ansi.StringWidth(tight[0])+5 <= w {
		half := (len(rows) + 1) / 2
		for i := 0; i < half; i++ {
			line := "  " + tight[i]
			if i+half < len(rows) {
				line += "  " + tight[i+half]
			}
			b.WriteString(line + "\n")
		}
	} else {
		for _, r := range rows {
			b.WriteString("  " + r + "\n")
		}
	}
	verdict := S.Bad.Render("not solved")
	if s.solved {
		verdict = S.Good.Render("solved: distinct codes, every V2 right")
	}
	b.WriteString("  " + verdict)
	return b.String()
}

func (s *encoder) drawLearning(p *plot) string {
	p.xName, p.yName = "cycles", ""
	S := p.c.S
	xmax := math.Max(10, float64(s.enc.Cycles))
	gmax := 0.0
	for _, g := range s.g.ys {
		gmax = math.Max(gmax, g)
	}
	// G scaled into [0, 1] beside the fraction correct
	gs := make([]float64, len(s.g.ys))
	for i, g := range s.g.ys {
		gs[i] = g / math.Max(gmax, 1e-9)
	}
	p.draw([2]float64{0, xmax}, [2]float64{0, 1.05},
		series{xs: s.g.xs, ys: gs, style: S.Series[1], dash: dashed},
		series{xs: s.correct.xs, ys: s.correct.ys, style: S.Series[0]})
	return ""
}

func (s *encoder) drawKL(p *plot) string {
	p.xName, p.yName = "sweeps", "KL (nats)"
	if len(s.klX) == 0 {
		return "press v again to sample"
	}
	p.logX, p.logY = true, true
	lo := math.Inf(1)
	for _, y := range s.klY {
		if y > 0 {
			lo = math.Min(lo, y)
		}
	}
	p.draw([2]float64{s.klX[0], s.klX[len(s.klX)-1]}, [2]float64{math.Max(lo/2, 1e-4), math.Max(s.klY[0]*2, 1e-3)},
		series{xs: s.klX, ys: s.klY, style: p.c.S.Series[0]},
		series{xs: s.klX, ys: s.klY, style: p.c.S.Series[0], glyph: '●'})
	return ""
}

// matrix lays out a matrix over the units, labelled A1.. (V1), B1.. (V2)
// and H1.. (hidden), · where units are not connected.
func (s *encoder) matrix(d *drawer, m [][]float64, format string, w, h int) string {
	e := s.enc
	n, N := e.Units(), e.Params().N
	label := func(i int) string {
		switch {
		case i < N:
			return fmt.Sprintf("A%d", i+1)
		case i < 2*N:
			return fmt.Sprintf("B%d", i-N+1)
		}
		return fmt.Sprintf("H%d", i-2*N+1)
	}
	header := []string{""}
	for j := 0; j < n; j++ {
		header = append(header, label(j))
	}
	// a heatmap: red above zero, blue below, by the share of the largest
	// magnitude; each cell as wide as the widest, so that the shade fills it
	big, wide := 0.0, 2
	for i := range m {
		for j := range m[i] {
			if i != j && e.Connected(i, j) {
				big = math.Max(big, math.Abs(m[i][j]))
				wide = max(wide, len(fmt.Sprintf(format, m[i][j])))
			}
		}
	}
	var rows [][]string
	for i := 0; i < n; i++ {
		row := []string{label(i)}
		for j := 0; j < n; j++ {
			switch {
			case i == j || !e.Connected(i, j):
				row = append(row, "·")
			default:
				row = append(row, d.c.signedCell(fmt.Sprintf("%*s", wide, fmt.Sprintf(format, m[i][j])), m[i][j]/math.Max(big, 1e-12)))
			}
		}
		rows = append(rows, row)
	}
	return table(header, rows, w, h)
}

// rbm is a restricted Boltzmann machine learning MNIST by contrastive
// divergence: its filters, reconstructions, dreams and the measures that
// tell learning from overfitting.
type rbm struct {
	boltzmannPanel
	tr             *models.RBMTrainer
	view           int // 0 reconstructions, 1 dreams, 2 pseudo-likelihood, 3 free-energy gap
	recon, pl, gap trace
	dreams         [][]float64 // from the test digits, redrawn every 50 batches
	dreamsAt       int
	seed           uint64
}

func (s *rbm) reset(v topic.Values, seed uint64) error {
	tr, err := models.NewRBMTrainer(topic.RBMParams(v), v.MNISTDir(), seed)
	if err != nil {
		return err
	}
	*s = rbm{tr: tr, view: s.view, dreamsAt: -1, seed: seed}
	return nil
}

func (s *rbm) step() {
	s.tr.Step()
	s.recon.add(float64(s.tr.Batches), s.tr.Last)
	if s.tr.Batches%50 == 0 {
		b := float64(s.tr.Batches)
		s.pl.add(b, s.tr.RBM.PseudoLikelihood(s.tr.Data.Val, firstN(200), s.seed+uint64(s.tr.Batches)))
		s.gap.add(b, s.tr.FreeEnergyGap())
	}
}

func (s *rbm) finished(v topic.Values) (bool, string) {
	n := topic.Epochs(v)
	return s.tr.Batches >= n*s.tr.Data.Train.Len()/s.tr.RBM.Params().Batch, fmt.Sprintf("%d epoch(s) trained", n)
}

func (s *rbm) key(msg tea.KeyMsg) bool {
	if !key.Matches(msg, viewKey) {
		return false
	}
	s.view = (s.view + 1) % 4
	return true
}

func (s *rbm) status() string {
	return fmt.Sprintf("epoch %d, batch %d · reconstruction error %.2f", s.tr.RBM.Epoch+1, s.tr.Batches, s.tr.Last)
}

func (s *rbm) layout(d *drawer) layout {
	tr, S := s.tr, d.S()
	r := tr.RBM
	var lower box
	switch s.view {
	case 0:
		lower = box{title: "data (top) and one-step reconstructions (bottom)", min: 14, draw: func(w, h int) string { return s.pairs(d, w) }}
	case 1:
		lower = box{title: "dreams: 200 Gibbs steps from test digits", min: 7, draw: func(w, h int) string { return s.dreamView(d, w) }}
	case 2:
		lower = d.chart("pl", "pseudo-log-likelihood of held-out digits",
			S.Series[1].Render("┅ log PL")+S.Dim.Render("  reconstruction error alone misleads (Hinton's guide)"), func(p *plot) string { return drawTrace(p, &s.pl, float64(s.tr.Batches)) })
	default:
		lower = d.chart("gap", "free energy: held-out minus training digits",
			S.Series[1].Render("┅ F(held-out) − F(train)")+S.Dim.Render("  rising: overfitting (Hinton's guide)"), func(p *plot) string { return drawTrace(p, &s.gap, float64(s.tr.Batches)) })
	}
	lower.title += " (v: next)"
	update := S.Dim.Render("press n to train on one mini-batch")
	if tr.Batches > 0 {
		mode := fmt.Sprintf("CD-%d", r.Params().K)
		if r.Params().Persistent {
			mode = fmt.Sprintf("PCD-%d", r.Params().K)
		}
		update = S.Accent.Render(fmt.Sprintf("batch %d (%s): ΔW = η(⟨vhᵀ⟩_data − ⟨vhᵀ⟩_model), reconstruction error %.2f", tr.Batches, mode, tr.Last))
	}
	return layout{
		main: box{title: "filters: weights of hidden units", legend: d.S().Dim.Render(shadeScale), legendFrom: 14,
			draw: func(w, h int) string {
				return d.throttled("filters", w, h, func() string { return s.filters(d, w, h) })
			}},
		update: update,
		right: []box{
			d.chart("recon", "reconstruction error per image", S.Series[0].Render(fmt.Sprintf("━ %.2f", tr.Last))+
				S.Dim.Render(fmt.Sprintf("  pseudo-log-likelihood %s · free-energy gap %s", num(last(s.pl.ys)), num(last(s.gap.ys)))), s.drawRecon),
			lower,
		},
	}
}

func (s *rbm) drawRecon(p *plot) string {
	p.xName, p.yName = "batches", "error"
	xmax := math.Max(10, float64(s.tr.Batches))
	ymax := 1.0
	for _, y := range s.recon.ys {
		ymax = math.Max(ymax, y)
	}
	p.draw([2]float64{0, xmax}, [2]float64{0, ymax * 1.05},
		series{xs: s.recon.xs, ys: s.recon.ys, style: p.c.S.Series[0]})
	return ""
}

// drawTrace plots a measure recorded every 50 batches.
func drawTrace(p *plot, tr *trace, now float64) string {
	p.xName, p.yName = "batches", ""
	if len(tr.xs) < 2 {
		return "measured every 50 batches: train a little"
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, y := range tr.ys {
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	pad := math.Max((hi-lo)*0.1, 0.5)
	p.draw([2]float64{0, math.Max(10, now)}, [2]float64{lo - pad, hi + pad},
		series{xs: tr.xs, ys: tr.ys, style: p.c.S.Series[1], dash: dashed})
	return ""
}

// filters draws as many hidden units' weights as fit, 14×7 braille each.
func (s *rbm) filters(d *drawer, w, h int) string {
	r := s.tr.RBM
	hidden := r.Params().Hidden
	cols, rows := max(1, (w+2)/16), max(1, (h-1+1)/8)
	n := min(hidden, cols*rows)
	var out []string
	for row := 0; row*cols < n; row++ {
		var pics [][]string
		for j := row * cols; j < min(n, (row+1)*cols); j++ {
			wj := make([]float64, models.Pixels)
			for i := range wj {
				wj[i] = r.W.At(i, j)
			}
			pics = append(pics, d.c.weightPicture(wj, 7))
		}
		out = append(out, joinPics(pics))
	}
	return strings.Join(out, "\n\n") + "\n" + d.S().Dim.Render(fmt.Sprintf("hidden units 1–%d of %d", n, hidden))
}

// fitting is how many 14-wide pictures fit side by side in w cells.
func fitting(w int) int { return max(1, (w+2)/16) }

func (s *rbm) pairs(d *drawer, w int) string {
	data := s.tr.Data.Test
	var top, bottom [][]string
	for i := 0; i < fitting(w); i++ {
		v := pixels(data.Image(i))
		top = append(top, d.c.picture(v, 7))
		bottom = append(bottom, d.c.picture(s.tr.RBM.Reconstruct(v), 7))
	}
	return joinPics(top) + "\n" + joinPics(bottom)
}

// dreamView draws dreams from as many test digits as fit; they are
// sampled again every 50 batches (on a stream of their own, so that
// looking at them does not change the training).
func (s *rbm) dreamView(d *drawer, w int) string {
	n := fitting(w)
	if s.dreamsAt != s.tr.Batches/50 || len(s.dreams) < n {
		data := s.tr.Data.Test
		s.dreams = s.dreams[:0]
		for i := 0; i < n; i++ {
			s.dreams = append(s.dreams, s.tr.RBM.Dream(pixels(data.Image(10+i)), 200, s.seed+uint64(s.tr.Batches)*31+uint64(i)))
		}
		s.dreamsAt = s.tr.Batches / 50
	}
	var pics [][]string
	for _, v := range s.dreams[:n] {
		pics = append(pics, d.c.picture(v, 7))
	}
	return joinPics(pics)
}

const boltzmannTheory = `Boltzmann machine: binary units, energy E = −Σ w_ij s_i s_j − Σ b_i s_i; a unit turns on with probability σ(ΔE_i/T). At equilibrium P(s) ∝ e^(−E/T).
Learning (Ackley, Hinton and Sejnowski 1985) is maximum likelihood: ∂G/∂w_ij = −(p⁺_ij − p⁻_ij)/T, co-occurrences awake (data clamped) minus asleep (running free). Hidden units let it model what the visible units alone cannot: the encoder must invent a code.
The encoder as the paper built it: V1 and V2 each connected internally and to H, H not to itself, V1 not to V2. A cycle: each pattern clamped noisily (on-bits off with p 0.15, off-bits on with 0.05), the free units randomised and annealed (2 sweeps at T 20, 15, 12, 4 at 10), co-occurrences over 10 sweeps at T 10; as many free settlings; then w += 2·sign(p⁺ − p⁻). Changes here, so that a solution once found stays found (with the paper's noisy statistics the weights random-walk and 12 of 20 runs lose the solution they found): 8 settlings per pattern, not 2; a weight decay of 0.5% a cycle; a step of 3 falling to 2 at cycle 1,000. The 8-3-8 uses the 4-2-4's noise levels, not the paper's own.
"Solved" is exact: at T = 10, enumerating H and V2 with V1 clamped, the patterns have distinct most probable codes and each gives its own pattern as the most probable V2.
The full rule needs equilibrium twice per step: slow. Restricted Boltzmann machines (no connections within a layer) make each layer's units independent given the other, and contrastive divergence (Hinton 2002) replaces the sleep phase by a k-step reconstruction; PCD keeps persistent chains instead.
Watch the pseudo-likelihood and the free-energy gap (held-out minus training) besides the reconstruction error, as Hinton's practical guide advises.`
