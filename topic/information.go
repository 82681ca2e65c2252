package topic

import (
	"fmt"
	"io"
	"math"
	"os"

	"github.com/jclub/jclub/models"
)

// Information experiments.
const (
	ExpEntropy        = "entropy"
	ExpChannel        = "channel"
	ExpRateDistortion = "ratedistortion"
	ExpLaughlin       = "laughlin"
	ExpPlane          = "plane"
)

// DistFile is the entropy experiment's distribution read from a file's
// bytes; FileLimit bounds what is read of it.
const (
	DistFile  = "file"
	FileLimit = 64 << 20
)

// Information is entropy and its estimation, channel capacity and the
// rate-distortion function by Blahut–Arimoto, and Laughlin's coding.
var Information = &Topic{
	ID:      "information",
	Unit:    UnitSeminar,
	Title:   "Information theory",
	Summary: "entropy and its estimation; capacity and rate-distortion by Blahut–Arimoto; Laughlin's histogram equalisation",
	Papers: []string{
		"Shannon 1948: a mathematical theory of communication",
		"Blahut 1972 and Arimoto 1972: computing channel capacity and rate-distortion functions",
		"Miller 1955: note on the bias of information estimates",
		"Laughlin 1981: a simple coding procedure enhances a neuron's information capacity",
	},
	Params: []Param{
		{Name: "experiment", Experiment: true, Kind: Choice, Choices: []string{ExpEntropy, ExpChannel, ExpRateDistortion, ExpLaughlin, ExpPlane},
			Help: "entropy: estimating it from samples; channel: capacity by Blahut–Arimoto; ratedistortion: R(D) by Blahut; laughlin: a neuron equalising its output; plane: a learning net's information plane"},
		{Name: "dist", Kind: Choice, Choices: append(append([]string{}, models.Dists...), DistFile), Modes: modes(ExpEntropy),
			Help: "the source: uniform, Zipf (1/i), geometric, dyadic (½, ¼, …), or the bytes of --file"},
		{Name: "symbols", Kind: Int, Default: 16, Min: 2, Max: 256, Modes: modes(ExpEntropy),
			If:   func(v Values) bool { return v.Choice("dist") != DistFile },
			Help: "alphabet size K"},
		{Name: "file", Kind: Text, File: true, Modes: modes(ExpEntropy), Check: checkFile,
			Help: "with --dist file: the distribution of this file's bytes (the first 64 MiB)"},
		{Name: "batch", Kind: Int, Default: 10, Min: 1, Max: 100000, Modes: modes(ExpEntropy),
			Help: "samples drawn a step"},
		{Name: "noise", Kind: Float, Default: 0.3, Min: 0, Max: 1, Step: 0.05, Modes: modes(ExpEntropy),
			If:   func(v Values) bool { return v.Choice("dist") != DistFile },
			Help: "for I(X;Y): Y is X, or with this probability a uniform symbol"},
		{Name: "channel", Kind: Choice, Choices: models.Channels, Modes: modes(ExpChannel),
			Help: "bsc: binary symmetric; bec: binary erasure; z: Z-channel; matrix: the one typed with --matrix"},
		{Name: "crossover", Kind: Float, Default: 0.1, Min: 0, Max: 1, Step: 0.05, Modes: modes(ExpChannel),
			If:   func(v Values) bool { return v.Choice("channel") != models.ChannelMatrix },
			Help: "the BSC's crossover p, the BEC's erasure ε, the Z-channel's 1 → 0 probability"},
		{Name: "matrix", Kind: Text, Modes: modes(ExpChannel), Check: func(s string) error { _, err := models.ParseChannel(s); return err },
			Help: `with --channel matrix: rows of P(y|x), entries "," and rows ";": "0.9,0.1;0.2,0.8"`},
		{Name: "source", Kind: Choice, Choices: models.RDSources, Modes: modes(ExpRateDistortion),
			Help: "binary: Bernoulli(p) under Hamming distortion; gaussian: N(0, 1) on a grid under squared error"},
		{Name: "p", Kind: Float, Default: 0.5, Min: 0.01, Max: 0.99, Step: 0.05, Modes: modes(ExpRateDistortion),
			If:   func(v Values) bool { return v.Choice("source") == models.SourceBinary },
			Help: "the Bernoulli source's P(1)"},
		{Name: "contrast", Kind: Choice, Choices: models.Contrasts, Modes: modes(ExpLaughlin),
			Help: "the distribution of contrasts the neuron sees"},
		{Name: "levels", Kind: Int, Default: 8, Min: 2, Max: 64, Modes: modes(ExpLaughlin),
			Help: "output levels L: at best log₂ L bits"},
		{Name: "eta", Kind: Float, Default: 0.05, Min: 1e-4, Max: 1, Modes: modes(ExpLaughlin),
			Help: "the thresholds' starting gain η (it falls as η·1000/(1000 + n))"},
		{Name: "contrasts", Kind: Int, Default: 100, Min: 1, Max: 100000, Modes: modes(ExpLaughlin),
			Help: "contrasts a step"},
		{Name: "activation", Kind: Choice, Choices: []string{models.Tanh, models.ReLU}, Modes: modes(ExpPlane),
			Help: "the hidden units: tanh saturates on both sides, ReLU on one"},
		{Name: "bins", Kind: Int, Default: 30, Min: 2, Max: 1000, Modes: modes(ExpPlane),
			Help: "bins over a tanh unit's range [−1, 1]; ReLU units get bins of the same width"},
		{Name: "rate", Kind: Float, Default: 0.02, Min: 1e-4, Max: 10, Modes: modes(ExpPlane),
			Help: "the learning rate η of plain SGD"},
		{Name: "minibatch", Kind: Int, Default: 256, Min: 1, Max: 1000, Modes: modes(ExpPlane),
			Help: "mini-batch size (the paper's: 256)"},
		{Name: "epochs", Kind: Int, Default: 1000, Min: 1, Max: 100000, Modes: modes(ExpPlane),
			Help: "epochs of a headless run (one a step)"},
	},
	Natural: func(v Values) bool {
		e := v.Choice("experiment")
		return e == ExpChannel || e == ExpRateDistortion || e == ExpPlane
	},
	Uses: func(v Values) (bool, bool) {
		e := v.Choice("experiment")
		return true, e != ExpRateDistortion && e != ExpPlane
	},
	Steps: 200,
	Every: 10,
	Columns: func(v Values) []string {
		switch v.Choice("experiment") {
		case ExpChannel:
			return []string{"iteration", "lower", "upper", "capacity_theory", "mutual_information"}
		case ExpRateDistortion:
			return []string{"D", "R", "R_theory", "beta"}
		case ExpLaughlin:
			return []string{"step", "output_entropy", "cdf_error"}
		case ExpPlane:
			return []string{"epoch", "layer", "ixt", "ity", "loss"}
		}
		return []string{"samples", "plugin", "miller_madow", "true", "mi_plugin", "mi_true"}
	},
	Run: runInformation,
	Check: func(v Values) error {
		switch {
		case v.Choice("experiment") == ExpEntropy && v.Choice("dist") == DistFile && v.Text("file") == "":
			return fmt.Errorf("dist = file needs --file FILE")
		case v.Choice("experiment") == ExpChannel && v.Choice("channel") == models.ChannelMatrix && v.Text("matrix") == "":
			return fmt.Errorf(`channel = matrix needs --matrix "P(y|x) rows", e.g. "0.9,0.1;0.2,0.8"`)
		}
		return nil
	},
}

// checkFile accepts a regular file that can be opened.
func checkFile(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", name)
	}
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return f.Close()
}

// EntropyParams converts the values to the entropy experiment's
// parameters; with --dist file it reads the file's byte distribution.
func EntropyParams(v Values) (models.EntropyParams, error) {
	p := models.EntropyParams{Batch: v.Int("batch"), Noise: v.Float("noise")}
	if v.Choice("dist") != DistFile {
		d, err := models.Distribution(v.Choice("dist"), v.Int("symbols"))
		p.P = d
		return p, err
	}
	name := v.Text("file")
	if name == "" {
		return p, fmt.Errorf("dist = file needs --file FILE")
	}
	f, err := os.Open(name)
	if err != nil {
		return p, fmt.Errorf("file: %v", err)
	}
	defer f.Close()
	var counts [256]float64
	buf := make([]byte, 1<<16)
	total := 0.0
	r := io.LimitReader(f, FileLimit)
	for {
		n, err := r.Read(buf)
		for _, b := range buf[:n] {
			counts[b]++
		}
		total += float64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return p, fmt.Errorf("file: %v", err)
		}
	}
	if total == 0 {
		return p, fmt.Errorf("file %s is empty", name)
	}
	p.P = make([]float64, 256)
	for i, c := range counts {
		p.P[i] = c / total
	}
	p.Noise = 0
	return p, nil
}

// Channel returns the channel of the values, its closed-form capacity
// (NaN for a typed matrix) and a name for it.
func Channel(v Values) (W [][]float64, theory float64, name string, err error) {
	ch := v.Choice("channel")
	if ch == models.ChannelMatrix {
		if v.Text("matrix") == "" {
			return nil, math.NaN(), "", fmt.Errorf(`channel = matrix needs --matrix "P(y|x) rows"`)
		}
		W, err = models.ParseChannel(v.Text("matrix"))
		return W, math.NaN(), "typed channel", err
	}
	p := v.Float("crossover")
	W, err = models.NamedChannel(ch, p)
	names := map[string]string{models.ChannelBSC: "BSC(%s)", models.ChannelBEC: "BEC(%s)", models.ChannelZ: "Z(%s)"}
	return W, models.CapacityTheory(ch, p), fmt.Sprintf(names[ch], fmtNum(p)), err
}

// LaughlinParams converts the values to the coding experiment's.
func LaughlinParams(v Values) models.LaughlinParams {
	return models.LaughlinParams{Shape: v.Choice("contrast"), Levels: v.Int("levels"), Eta: v.Float("eta"), Batch: v.Int("contrasts")}
}

// PlaneParams converts the values to the information plane's parameters.
func PlaneParams(v Values) models.PlaneParams {
	return models.PlaneParams{Activation: v.Choice("activation"), Bins: v.Int("bins"), Eta: v.Float("rate"), Batch: v.Int("minibatch")}
}

// channelLimit bounds the iterations of a natural channel run: it stops
// when the bounds are within 1e-9 of each other.
const channelLimit = 100000

func runInformation(v Values, seed uint64, steps, every int, out Out) error {
	switch v.Choice("experiment") {
	case ExpChannel:
		W, theory, _, err := Channel(v)
		if err != nil {
			return err
		}
		b := models.NewBlahutArimoto(W)
		row := func() { out.Row([]float64{float64(b.Iter), b.Lower, b.Upper, theory, b.MutualInformation()}) }
		row()
		done := func() bool {
			if steps >= 0 {
				return b.Iter >= steps
			}
			return b.Upper-b.Lower < 1e-9 || b.Iter >= channelLimit
		}
		for !done() {
			b.Step()
			if b.Iter%every == 0 || done() {
				row()
			}
		}
		for x, r := range b.R {
			out.Meta(fmt.Sprintf("input_%d", x), r)
		}
		return nil
	case ExpRateDistortion:
		src, d, betas, theory, err := models.RDProblem(v.Choice("source"), v.Float("p"))
		if err != nil {
			return err
		}
		rd := models.NewRateDistortion(src, d, betas)
		for n := 0; !rd.Done() && (steps < 0 || n < steps); n++ {
			rd.Step()
		}
		for i, pt := range rd.Points {
			out.Row([]float64{pt[0], pt[1], theory(pt[0]), betas[i]})
		}
		return nil
	case ExpPlane:
		pl, err := models.NewPlane(PlaneParams(v), seed)
		if err != nil {
			return err
		}
		rows := func() {
			k := len(pl.IXT) - 1
			for l := range pl.IXT[k] {
				out.Row([]float64{float64(pl.Epoch), float64(l + 1), pl.IXT[k][l], pl.ITY[k][l], pl.Loss})
			}
		}
		rows()
		for range until(steps, v.Int("epochs")) {
			pl.Step()
			if models.PlaneDue(pl.Epoch) {
				rows()
			}
		}
		out.Meta("test_accuracy", pl.Accuracy())
		out.Meta("label_entropy", models.LabelEntropy())
		return nil
	case ExpLaughlin:
		l, err := models.NewLaughlin(LaughlinParams(v), seed)
		if err != nil {
			return err
		}
		row := func() { out.Row([]float64{float64(l.N / max(1, l.Params().Batch)), l.OutputEntropy(), l.CDFError()}) }
		row()
		stepRows(steps, every, l.Step, row)
		out.Meta("max_entropy", math.Log2(float64(l.Params().Levels)))
		return nil
	}
	p, err := EntropyParams(v)
	if err != nil {
		return err
	}
	e, err := models.NewEntropyRun(p, seed)
	if err != nil {
		return err
	}
	row := func() {
		mi, _ := e.PlugInMI()
		out.Row([]float64{float64(e.N), models.PlugIn(e.Counts), models.MillerMadow(e.Counts), e.True(), mi, e.TrueMI()})
	}
	row()
	stepRows(steps, every, e.Step, row)
	return nil
}
