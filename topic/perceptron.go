package topic

import "github.com/jclub/jclub/models"

// Perceptron experiments.
const (
	ExpTrain = "train" // the perceptron rule on a 2-D data set
	ExpCover = "cover" // Cover's capacity: separable fraction against P/N
)

// Perceptron is Rosenblatt's perceptron and Cover's capacity.
var Perceptron = &Topic{
	ID:      "perceptron",
	Unit:    UnitDeep,
	Title:   "The perceptron",
	Summary: "the perceptron rule one sample at a time, Novikoff's bound, XOR, Cover's capacity",
	Papers: []string{
		"Rosenblatt 1958: the perceptron",
		"Novikoff 1962: on convergence proofs for perceptrons",
		"Minsky and Papert 1969: Perceptrons",
		"Cover 1965: geometrical and statistical properties of systems of linear inequalities",
	},
	Params: []Param{
		{Name: "experiment", Experiment: true, Kind: Choice, Choices: []string{ExpTrain, ExpCover},
			Help: "train: the rule on 2-D data; cover: separable fraction of random labellings against P/N"},
		{Name: "data", Kind: Choice, Choices: models.DataSets, Modes: []string{ExpTrain},
			Help: "separable: a line with a margin; noisy: overlapping clouds; xor: not linearly separable"},
		{Name: "points", Kind: Int, Default: 60, Min: 4, Max: 2000, Modes: []string{ExpTrain},
			Help: "training points"},
		{Name: "margin", Kind: Float, Default: 0.1, Min: 0.01, Max: 0.5, Step: 0.01, Modes: []string{ExpTrain},
			If:   func(v Values) bool { return v.Choice("data") == models.Separable },
			Help: "separable: no point within this distance of the true line"},
		{Name: "spread", Kind: Float, Default: 0.25, Min: 0.01, Max: 2, Step: 0.05, Modes: []string{ExpTrain},
			If:   func(v Values) bool { return v.Choice("data") != models.Separable },
			Help: "noisy and xor: standard deviation of each cloud"},
		{Name: "eta", Kind: Float, Default: 1, Min: 0.001, Max: 100, Modes: []string{ExpTrain},
			Help: "learning rate η (from w = 0 it only scales w: the mistakes do not change)"},
		{Name: "dim", Kind: Int, Default: 20, Min: 2, Max: 200, Modes: []string{ExpCover},
			Help: "input dimension N of the random points"},
		{Name: "epochs", Kind: Int, Default: 1000, Min: 1, Max: 100000, Modes: []string{ExpCover},
			Help: "epochs the perceptron gets on each separable labelling"},
	},
	Uses:  func(v Values) (bool, bool) { return true, v.Choice("experiment") != ExpCover },
	Steps: 2000,
	Every: 10,
	Columns: func(v Values) []string {
		if v.Choice("experiment") == ExpCover {
			return []string{"load", "points", "trials", "separable", "perceptron", "cover"}
		}
		return []string{"step", "mistakes", "accuracy", "bound"}
	},
	Run: runPerceptron,
}

// PerceptronParams converts the topic's values to the model's parameters.
func PerceptronParams(v Values) models.PerceptronParams {
	return models.PerceptronParams{
		Data:   v.Choice("data"),
		Points: v.Int("points"),
		Margin: v.Float("margin"),
		Spread: v.Float("spread"),
		Eta:    v.Float("eta"),
	}
}

// CoverParams converts the topic's values to the capacity experiment's.
func CoverParams(v Values) models.CoverParams {
	return models.CoverParams{N: v.Int("dim"), MaxEpochs: v.Int("epochs")}
}

func runPerceptron(v Values, seed uint64, steps, every int, out Out) error {
	if v.Choice("experiment") == ExpCover {
		c, err := models.NewCover(CoverParams(v), seed)
		if err != nil {
			return err
		}
		for range steps {
			c.Step()
		}
		for i, load := range models.CoverLoads {
			f, _ := c.Fraction(i)
			pf, _ := c.PerceptronFraction(i)
			out.Row([]float64{load, float64(c.P(i)), float64(c.Trials[i]), f, pf, models.CoverFraction(c.P(i), c.Params().N)})
		}
		return nil
	}
	pc, err := models.NewPerceptron(PerceptronParams(v), seed)
	if err != nil {
		return err
	}
	row := func() {
		out.Row([]float64{float64(pc.Seen), float64(pc.Mistakes), pc.Accuracy(), pc.Bound()})
	}
	row()
	stepRows(steps, every, pc.Step, row)
	return nil
}
