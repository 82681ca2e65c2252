package topic

import (
	"math"

	"github.com/jclub/jclub/models"
)

// RNN is recurrent nets from Elman's letters to the LSTM across a hundred
// steps, with the gradient across time in view.
var RNN = &Topic{
	ID:      "rnn",
	Unit:    UnitSeminar,
	Title:   "Recurrent networks: BPTT, RTRL and LSTM",
	Summary: "Elman's temporal XOR and letters, the embedded Reber grammar and the adding problem; an SRN against an LSTM by BPTT (and RTRL), the vanishing gradient against the lag",
	Papers: []string{
		"Elman 1990: finding structure in time",
		"Williams and Zipser 1989: a learning algorithm for continually running fully recurrent networks (RTRL)",
		"Hochreiter 1991; Bengio, Simard and Frasconi 1994: learning long-term dependencies is difficult",
		"Hochreiter and Schmidhuber 1997: long short-term memory",
	},
	Params: []Param{
		{Name: "task", Experiment: true, Kind: Choice, Choices: models.RNNTasks,
			Help: "xor: every third bit the XOR of the two before; letters: b→ba, d→dii, g→guuu; reber: the embedded Reber grammar; adding: the sum of two marked values"},
		{Name: "model", Kind: Choice, Choices: []string{models.ModelSRN, models.ModelLSTM},
			ByMode: map[string]string{models.TaskReber: models.ModelLSTM, models.TaskAdding: models.ModelLSTM},
			Help:   "srn: Elman's simple recurrent network (tanh); lstm: long short-term memory with a forget gate"},
		{Name: "hidden", Kind: Int, Default: 4, Min: 1, Max: 64,
			ByMode: map[string]string{models.TaskLetters: "20", models.TaskReber: "16", models.TaskAdding: "8"},
			Help:   "hidden units (LSTM cells)"},
		{Name: "length", Kind: Int, Default: 30, Min: 3, Max: 1000, Modes: modes(models.TaskXOR, models.TaskLetters, models.TaskAdding),
			ByMode: map[string]string{models.TaskAdding: "100"},
			Help:   "a stream's stretch per update (BPTT's truncation), or the adding problem's sequence length T"},
		{Name: "rate", Kind: Float, Default: 0.01, Min: 1e-5, Max: 1, ByMode: map[string]string{models.TaskAdding: "0.001"},
			Help: "Adam's step size"},
		{Name: "clip", Kind: Float, Default: 1, Min: 0, Max: 100,
			Help: "the largest gradient norm of an update (0: no clipping)"},
		{Name: "compare", Kind: Bool,
			Help: "train the other model beside, on the same sequences from the same seed: the SRN's gradient against the LSTM's"},
		{Name: "forget", Kind: Float, Default: 1, Min: -10, Max: 10, Step: 0.5,
			ByMode: map[string]string{models.TaskReber: "3", models.TaskAdding: "5"},
			If:     func(v Values) bool { return v.Choice("model") == models.ModelLSTM || v.Bool("compare") },
			Help:   "the LSTM forget gate's starting bias: a cell keeps σ(b) a step, so σ(b)^T of a memory over T steps"},
	},
	Steps: 3000,
	Every: 100,
	Check: func(v Values) error {
		if v.Choice("task") == models.TaskAdding && v.Int("length") < 10 {
			return expectf(false, "length = %d: the adding problem needs T of at least 10", v.Int("length"))
		}
		return nil
	},
	Columns: func(v Values) []string {
		cols := []string{"step", "loss", "grad_norm"}
		if v.Bool("compare") {
			cols = append(cols, "loss_"+OtherModel(v))
		}
		switch v.Choice("task") {
		case models.TaskXOR:
			cols = append(cols, "err0", "err1", "err2")
		case models.TaskLetters:
			cols = append(cols, "err_consonant", "err_vowel")
		case models.TaskReber:
			cols = append(cols, "test_accuracy")
		case models.TaskAdding:
			cols = append(cols, "test_mse")
		}
		return cols
	},
	Run: runRNN,
}

// RNNParams converts the values to the trainer's settings.
func RNNParams(v Values) models.RNNTrainParams {
	return models.RNNTrainParams{Task: v.Choice("task"), Model: v.Choice("model"), Hidden: v.Int("hidden"),
		Length: v.Int("length"), Rate: v.Float("rate"), Clip: v.Float("clip"), ForgetBias: v.Float("forget")}
}

// OtherModel is the model trained beside with --compare.
func OtherModel(v Values) string {
	if v.Choice("model") == models.ModelSRN {
		return models.ModelLSTM
	}
	return models.ModelSRN
}

// RNNFigures are the task's figures after the trainer's last step: the
// error by kind (xor, letters), the held-out accuracy (reber) or MSE
// (adding).
func RNNFigures(tr *models.RNNTrainer) []float64 {
	switch tr.Params().Task {
	case models.TaskXOR:
		return tr.ErrByLabel(3)
	case models.TaskLetters:
		return tr.ErrByKind()
	case models.TaskReber:
		return []float64{tr.TestAccuracy()}
	}
	return []float64{tr.TestMSE()}
}

func runRNN(v Values, seed uint64, steps, every int, out Out) error {
	tr, err := models.NewRNNTrainer(RNNParams(v), seed)
	if err != nil {
		return err
	}
	var other *models.RNNTrainer
	if v.Bool("compare") {
		p := RNNParams(v)
		p.Model = OtherModel(v)
		if other, err = models.NewRNNTrainer(p, seed); err != nil {
			return err
		}
	}
	first := -1.0
	row := func() {
		f := RNNFigures(tr)
		r := []float64{float64(tr.Steps), tr.SmoothLoss(), tr.GradNorm}
		if other != nil {
			r = append(r, other.SmoothLoss())
		}
		out.Row(append(r, f...))
		switch task := v.Choice("task"); {
		case first >= 0:
		case task == models.TaskAdding && f[0] < 0.01, task == models.TaskReber && f[0] == 1:
			first = float64(tr.Steps)
		}
	}
	start := []float64{0, math.NaN(), math.NaN()}
	if other != nil {
		start = append(start, math.NaN())
	}
	out.Row(append(start, RNNFigures(tr)...))
	step := tr.Step
	if other != nil {
		step = func() { tr.Step(); other.Step() }
	}
	stepRows(steps, every, step, row)
	if t := v.Choice("task"); t == models.TaskAdding || t == models.TaskReber {
		out.Meta("solved_at", first) // the first row at test MSE < 0.01 or every held-out string right; −1 if none
	}
	// the cost of the gradient of one stretch, by BPTT and by RTRL, and
	// how far apart the two are
	if tr.Steps > 0 {
		s := tr.Seq
		ops := tr.Net.RTRL(s.X, s.D, s.Mask, nil)
		rt := append([]float64(nil), tr.Net.Grad...)
		tr.Net.BPTT(tr.Net.Forward(s.X, nil), s.D, s.Mask)
		out.Meta("ops_rtrl", float64(ops))
		out.Meta("ops_bptt", float64(tr.Net.BPTTOps(len(s.X))))
		out.Meta("bptt_rtrl_gap", relGap(tr.Net.Grad, rt))
	}
	// the vanishing gradient: the slope of log‖∂L/∂h_{T−k}‖ against k on a
	// probe of the task, and for the SRN the mean log spectral radius of
	// its recurrent Jacobian over the same lags
	if slope, rho, ok := GradientSlope(tr); ok {
		out.Meta("gradient_slope", slope)
		if !math.IsNaN(rho) {
			out.Meta("log_radius", rho)
		}
	}
	return nil
}

func relGap(a, b []float64) float64 {
	var d, n float64
	for i := range a {
		d += (a[i] - b[i]) * (a[i] - b[i])
		n += a[i]*a[i] + b[i]*b[i]
	}
	if n == 0 {
		return 0
	}
	return math.Sqrt(d / n)
}

// GradientLags is the probe's length and the lags the slope is fitted
// over (past the first few, where the readout's own path dominates).
const (
	GradientProbe = 100
	gradientFrom  = 5
	gradientTo    = 60
	gradientFloor = 1e-250 // below this a norm is lost to underflow
)

// GradientSlope fits the slope of log‖∂L/∂h_{T−k}‖ against the lag k over
// lags 5..60 of a 100-step probe, and gives the mean log spectral radius
// of the SRN's recurrent Jacobian over the same lags (NaN for the LSTM).
func GradientSlope(tr *models.RNNTrainer) (slope, logRadius float64, ok bool) {
	norms, _, rho, err := tr.GradientByLag(GradientProbe)
	if err != nil {
		return 0, 0, false
	}
	return SlopeOf(norms, rho)
}

// SlopeOf is GradientSlope's fit on a probe's norms by lag and, for the
// SRN, its Jacobians' spectral radii by lag.
func SlopeOf(norms, rho []float64) (slope, logRadius float64, ok bool) {
	var sx, sy, sxx, sxy, n float64
	logRadius = math.NaN()
	if len(rho) > 0 {
		logRadius = 0
	}
	for k := gradientFrom; k <= gradientTo && k < len(norms); k++ {
		if norms[k] < gradientFloor {
			break
		}
		x, y := float64(k), math.Log(norms[k])
		sx, sy, sxx, sxy, n = sx+x, sy+y, sxx+x*x, sxy+x*y, n+1
		if len(rho) > k {
			logRadius += math.Log(rho[k])
		}
	}
	if n < 3 {
		return 0, 0, false
	}
	if len(rho) > 0 {
		logRadius /= n
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx), logRadius, true
}
