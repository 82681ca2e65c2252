package topic

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/jclub/jclub/models"
)

// Deep is deep belief nets against random and Glorot initialisation.
var Deep = &Topic{
	ID:      "deep",
	Unit:    UnitDeep,
	Title:   "Deep belief nets",
	Summary: "greedy RBM pretraining against random and Glorot initialisation",
	Papers: []string{
		"Hinton, Osindero and Teh 2006: a fast learning algorithm for deep belief nets",
		"Hinton and Salakhutdinov 2006: reducing the dimensionality of data with neural networks",
		"Glorot and Bengio 2010: understanding the difficulty of training deep feedforward neural networks",
		"LeCun, Bengio and Hinton 2015: deep learning",
	},
	UsesMNIST: true,
	Params: []Param{
		{Name: "experiment", Experiment: true, Kind: Choice, Choices: []string{"compare", "sweep"},
			Help: "compare: the three starts side by side; sweep: final accuracy against depth 1..5"},
		{Name: "layers", Kind: Choice, Default: 1,
			Choices: []string{"100", "256,256", "500,500", "100,100,100,100", "256,256,256,256", "100,100,100,100,100"},
			Help:    "hidden layer widths"},
		{Name: "init", Kind: Choice, Choices: models.DeepInits, If: func(v Values) bool { return v.Choice("experiment") == "sweep" },
			Help: "the sweep's start: pretrain (a DBN), glorot, or small random N(0, 0.01²)"},
		{Name: "pretrain", Kind: Int, Default: 300, Min: 1, Max: 100000,
			Help: "pretraining mini-batches of 100 per layer"},
		{Name: "eta", Kind: Float, Default: 1, Min: 1e-3, Max: 100, Help: "fine-tuning learning rate (sigmoid units, softmax output); at 3 the small and Glorot starts fail on some seeds"},
		{Name: "budget", Kind: Int, Default: 5000, Min: 10, Max: 1000000,
			If:   func(v Values) bool { return v.Choice("experiment") == "sweep" || v.Int("seeds") > 1 },
			Help: "fine-tuning updates (mini-batches of 10) per net of the sweep, or per start with --seeds"},
		{Name: "epochs", Kind: Int, Default: 1, Min: 1, Max: 100, Live: true,
			If:   func(v Values) bool { return v.Choice("experiment") == "compare" && v.Int("seeds") == 1 },
			Help: "fine-tuning epochs: jclub run stops there, a live run pauses there"},
		{Name: "seeds", Kind: Int, Default: 1, Min: 1, Max: 100, Headless: true, If: func(v Values) bool { return v.Choice("experiment") == "compare" },
			Help: "jclub run: above 1, compare the three starts on this many seeds (seed, seed+1, ...) at the budget: a row per seed, mean ± standard error in the JSON summary"},
	},
	Uses: func(v Values) (bool, bool) { // --seeds K: whole nets at the budget
		single := v.Choice("experiment") == "sweep" || v.Int("seeds") == 1
		return single, v.Choice("experiment") == "compare" && v.Int("seeds") == 1
	},
	Natural: func(Values) bool { return true }, // its epochs, or every depth
	Steps:   5000,
	Every:   1000,
	Columns: func(v Values) []string {
		if v.Choice("experiment") == "sweep" {
			return []string{"depth", "test_accuracy"}
		}
		if v.Int("seeds") > 1 {
			return append([]string{"seed"}, models.DeepInits...)
		}
		return append([]string{"update"}, models.CompareStarts...)
	},
	Run: runDeep,
}

// DeepSetup is the deep topic's values, bound once.
type DeepSetup struct {
	Hidden   []int   // hidden layer widths
	Init     string  // jclub run's start and the sweep's
	Eta      float64 // fine-tuning learning rate
	Pretrain int     // pretraining mini-batches per layer
	Budget   int     // fine-tuning updates per net of the sweep, or per start with Seeds
	Seeds    int
}

// DeepParams binds the deep topic's values.
func DeepParams(v Values) DeepSetup {
	return DeepSetup{Hidden: deepLayers(v), Init: v.Choice("init"), Eta: v.Float("eta"),
		Pretrain: v.Int("pretrain"), Budget: v.Int("budget"), Seeds: v.Int("seeds")}
}

// deepLayers parses the hidden widths.
func deepLayers(v Values) []int {
	var out []int
	for _, f := range strings.Split(v.Choice("layers"), ",") {
		n, _ := strconv.Atoi(f)
		out = append(out, n)
	}
	return out
}

func runDeep(v Values, seed uint64, steps, every int, out Out) error {
	data, err := models.LoadMNISTFrom(v.MNISTDir())
	if err != nil {
		return err
	}
	if v.Choice("experiment") == "sweep" {
		d := DeepParams(v)
		sw, err := models.NewDepthSweep(data, d.Hidden[0], d.Init, d.Eta, d.Pretrain, d.Budget, seed)
		if err != nil {
			return err
		}
		for i := 0; !sw.Done() && (steps < 0 || i < steps); i++ {
			if err := sw.Step(); err != nil {
				return err
			}
		}
		for d, a := range sw.Acc {
			out.Row([]float64{float64(d + 1), a})
		}
		return nil
	}
	if k := v.Int("seeds"); k > 1 {
		per := make([][]float64, len(models.DeepInits))
		for s := range k {
			d := DeepParams(v)
			acc, err := models.DeepCompare(data, d.Hidden, d.Eta, d.Pretrain, d.Budget, seed+uint64(s))
			if err != nil {
				return err
			}
			out.Row(append([]float64{float64(seed + uint64(s))}, acc...))
			for i, a := range acc {
				per[i] = append(per[i], a)
			}
		}
		for i, name := range models.DeepInits {
			m, sd := stat.MeanStdDev(per[i], nil)
			out.Meta(name+"_mean", m)
			out.Meta(name+"_se", sd/math.Sqrt(float64(k)))
		}
		return nil
	}
	// the comparison as the screen runs it: pretraining, then the three
	// nets in step, a row of their test accuracies every `every` updates
	d := DeepParams(v)
	c, err := models.NewDeepComparison(data, d.Hidden, d.Eta, d.Pretrain, seed)
	if err != nil {
		return err
	}
	printed := -1
	row := func() {
		printed = c.Runs[0].Batches
		r := []float64{float64(c.Runs[0].Batches)}
		for _, tr := range c.Runs {
			r = append(r, tr.Net.Accuracy(data.Test))
		}
		out.Row(r)
	}
	for i := 0; steps < 0 || i < steps; i++ {
		if steps < 0 && c.Pretrained() && c.Runs[0].Epoch >= Epochs(v) {
			break
		}
		was := c.Pretrained()
		if err := c.Step(); err != nil {
			return err
		}
		switch {
		case !c.Pretrained():
		case !was: // fine-tuning starts: the nets as they begin
			row()
		case c.Runs[0].Batches%every == 0 || i == steps-1:
			row()
		}
	}
	if c.Pretrained() && printed != c.Runs[0].Batches {
		row()
	}
	return nil
}
