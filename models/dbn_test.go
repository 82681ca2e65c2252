package models

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func deepNet(init string) MLPParams {
	return MLPParams{Sizes: []int{784, 100, 100, 100, 100, 10}, Activation: Sigmoid, Output: Softmax, Init: init, Batch: 10, Eta: 1}
}

// On a deep sigmoid net (four hidden layers) at an equal fine-tuning budget,
// over 5 seeds: DBN pretraining beats the small random start (paired
// difference above 0.05 and three standard errors), Glorot's start closes
// most of the gap, and the small start's gradients shrink towards the input.
func TestPretrainingHelps(t *testing.T) {
	d := loadOrSkip(t)
	const (
		budget = 5000 // fine-tuning mini-batches of 10
		seeds  = 5
	)
	inits := []string{InitSmall, InitGlorot, "pretrain"}
	acc := make([][]float64, len(inits)) // [init][seed]
	for i := range acc {
		acc[i] = make([]float64, seeds)
	}
	onCores(len(inits)*seeds, func(job int) {
		k, seed := job/seeds, uint64(job%seeds+1)
		init := inits[k]
		p := deepNet(init)
		if init == "pretrain" {
			p.Init = InitSmall
		}
		tr, err := NewTrainer(p, d, seed)
		if err != nil {
			t.Error(err)
			return
		}
		if init == "pretrain" {
			dbn, err := NewDBN(p.Sizes[:len(p.Sizes)-1], GuideRBM(0), 100, d.Train, seed)
			if err != nil {
				t.Error(err)
				return
			}
			for !dbn.Step() {
			}
			if err := dbn.InitMLP(tr.Net); err != nil {
				t.Error(err)
				return
			}
		}
		if init == InitSmall && seed == 1 {
			_, _, g := tr.Net.LayerStats(d.Test, seq(200))
			t.Logf("small init: gradient norms per layer %.2e", g)
			if !(g[0] < g[3]/10) {
				t.Errorf("small init: gradients do not shrink towards the input: %v", g)
			}
		}
		for range budget {
			tr.Step()
		}
		acc[k][job%seeds] = tr.Net.Accuracy(d.Test)
	})
	meanSE := func(x []float64) (float64, float64) {
		m, sd := stat.MeanStdDev(x, nil)
		return m, sd / math.Sqrt(float64(len(x)))
	}
	for k, init := range inits {
		m, se := meanSE(acc[k])
		t.Logf("%-8s test accuracy after %d updates of 10: %.4f ± %.4f over %d seeds %v", init, budget, m, se, seeds, acc[k])
	}
	diff := make([]float64, seeds)
	for s := range diff {
		diff[s] = acc[2][s] - acc[0][s]
	}
	gain, gse := meanSE(diff)
	t.Logf("pretrained − small: %.4f ± %.4f", gain, gse)
	if !(gain > 0.05 && gain > 3*gse) {
		t.Errorf("pretraining gains %.4f ± %.4f over the small start", gain, gse)
	}
	ms, _ := meanSE(acc[0])
	mg, _ := meanSE(acc[1])
	if !(mg-ms > gain/2) {
		t.Errorf("glorot %.4f closes less than half the gap between %.4f and %.4f", mg, ms, ms+gain)
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
