package topic

import "github.com/jclub/jclub/models"

// Boltzmann parts.
const (
	PartEncoder = "encoder"
	PartRBM     = "rbm"
)

func part(p string) func(Values) bool { return func(v Values) bool { return v.Choice("part") == p } }

// Boltzmann is learning in Boltzmann machines: the 1985 encoder and an RBM on MNIST.
var Boltzmann = &Topic{
	ID:      "boltzmann",
	Unit:    UnitDeep,
	Title:   "Boltzmann machines",
	Summary: "the 4-2-4 encoder awake and asleep; an RBM learning MNIST by contrastive divergence",
	Papers: []string{
		"Ackley, Hinton and Sejnowski 1985: a learning algorithm for Boltzmann machines",
		"Hinton 2002: training products of experts by minimizing contrastive divergence",
		"Hinton 2010: a practical guide to training restricted Boltzmann machines",
	},
	UsesMNIST: true,
	Params: []Param{
		{Name: "part", Experiment: true, Kind: Choice, Choices: []string{PartEncoder, PartRBM},
			Help: "encoder: the 1985 encoder problem; rbm: a restricted Boltzmann machine on MNIST"},
		{Name: "size", Kind: Choice, Choices: []string{"4-2-4", "8-3-8"}, If: part(PartEncoder),
			Help: "encoder: patterns and hidden units"},
		{Name: "step", Kind: Float, Default: 3, Min: 0.1, Max: 20, Step: 0.5, If: part(PartEncoder),
			Help: "encoder: weight step ε of Δw = ε·sign(p⁺ − p⁻), two thirds of it from cycle 1,000 (the paper: 2 throughout)"},
		{Name: "cycles", Kind: Int, Default: 500, Min: 1, Max: 100000, If: part(PartEncoder),
			Help: "jclub run: learning cycles (one row each)"},
		{Name: "hidden", Kind: Int, Default: 100, Min: 1, Max: 2000, If: part(PartRBM),
			Help: "rbm: hidden units"},
		{Name: "k", Kind: Int, Default: 1, Min: 1, Max: 25, Step: 1, If: part(PartRBM),
			Help: "rbm: Gibbs steps of CD-k"},
		{Name: "pcd", Kind: Bool, If: part(PartRBM),
			Help: "rbm: persistent contrastive divergence (chains carried between updates)"},
		{Name: "batch", Kind: Int, Default: 100, Min: 1, Max: 1000, If: part(PartRBM),
			Help: "rbm: mini-batch size"},
		{Name: "eta", Kind: Float, Default: 0.1, Min: 1e-4, Max: 10, If: part(PartRBM),
			Help: "rbm: learning rate (the guide: 0.1)"},
		{Name: "decay", Kind: Float, Default: 0.0002, Min: 0, Max: 1, If: part(PartRBM),
			Help: "rbm: L2 weight decay (the guide: 0.0002)"},
		{Name: "epochs", Kind: Int, Default: 1, Min: 1, Max: 100, If: part(PartRBM), Live: true,
			Help: "rbm: epochs to train: jclub run stops there, a live run pauses there"},
	},
	Uses:    func(v Values) (bool, bool) { return true, v.Choice("part") == PartRBM },
	Natural: func(Values) bool { return true }, // cycles or epochs
	Steps:   1000,
	Every:   10,
	Columns: func(v Values) []string {
		if v.Choice("part") == PartRBM {
			return []string{"batch", "recon_error", "free_energy_gap"}
		}
		return []string{"cycle", "solved", "p_right", "kl"}
	},
	Run: runBoltzmann,
}

// EncoderParams converts the values: the paper's schedule, 4-2-4 or 8-3-8.
func EncoderParams(v Values) models.EncoderParams {
	p := models.DefaultEncoder()
	if v.Choice("size") == "8-3-8" {
		p.N, p.H = 8, 3
	}
	p.Step = v.Float("step")
	p.LateStep = p.Step * 2 / 3
	return p
}

// RBMParams converts the values.
func RBMParams(v Values) models.RBMParams {
	p := models.GuideRBM(v.Int("hidden"))
	p.K, p.Persistent, p.Batch, p.Eta, p.Decay = v.Int("k"), v.Bool("pcd"), v.Int("batch"), v.Float("eta"), v.Float("decay")
	return p
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func runBoltzmann(v Values, seed uint64, steps, every int, out Out) error {
	if v.Choice("part") == PartRBM {
		tr, err := models.NewRBMTrainer(RBMParams(v), v.MNISTDir(), seed)
		if err != nil {
			return err
		}
		total := until(steps, Epochs(v)*tr.Data.Train.Len()/tr.RBM.Params().Batch)
		stepRows(total, every, tr.Step, func() { out.Row([]float64{float64(tr.Batches), tr.Last, tr.FreeEnergyGap()}) })
		return nil
	}
	e, err := models.NewEncoder(EncoderParams(v), seed)
	if err != nil {
		return err
	}
	row := func() {
		ok, cs := e.Solved()
		var right float64
		for _, x := range cs {
			right += x.PRight / float64(len(cs))
		}
		out.Row([]float64{e.CyclesDone(), b2f(ok), right, e.G()})
	}
	if steps < 0 {
		for range v.Int("cycles") {
			e.Cycle()
			row()
		}
		return nil
	}
	// the screen's steps are annealing sweeps: a row at each cycle's end
	// and at the last sweep (the cycle column then has a fraction)
	for i := 1; i <= steps; i++ {
		if e.StepSweep() || i == steps {
			row()
		}
	}
	return nil
}
