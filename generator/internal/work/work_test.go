package work

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestWorkers(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	for _, tc := range []struct{ n, want int }{
		{0, 1},
		{1, 1},
		{procs, procs},
		{procs + 100, procs},
	} {
		if got := Workers(tc.n); got != tc.want {
			t.Errorf("Workers(%d) = %d; want %d", tc.n, got, tc.want)
		}
	}
}

// TestSpread checks that every item is done once, by a worker in range,
// and that each worker takes its items in increasing order.
func TestSpread(t *testing.T) {
	for _, tc := range []struct{ workers, n int }{
		{1, 0}, {4, 0}, {1, 5}, {4, 1}, {4, 3}, {3, 1000}, {16, 1000},
	} {
		t.Run(fmt.Sprintf("%d workers %d items", tc.workers, tc.n), func(t *testing.T) {
			done := make([]atomic.Int32, tc.n)
			taken := make([][]int, tc.workers)
			Spread(tc.workers, tc.n, func(w, i int) {
				if w < 0 || w >= tc.workers {
					t.Errorf("worker %d; want one of [0, %d)", w, tc.workers)
					return
				}
				done[i].Add(1)
				taken[w] = append(taken[w], i)
			})
			for i := range done {
				if got := done[i].Load(); got != 1 {
					t.Errorf("item %d done %d times; want 1", i, got)
				}
			}
			for w, items := range taken {
				if !slices.IsSorted(items) {
					t.Errorf("worker %d took %v; want increasing order", w, items)
				}
			}
		})
	}
}

// TestSpreadRunsAtOnce checks that the workers do run side by side: two
// items that each wait for the other finish only if both run at once.
func TestSpreadRunsAtOnce(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(2)
	finished := make(chan struct{})
	go func() {
		Spread(2, 2, func(_, _ int) {
			wg.Done()
			wg.Wait()
		})
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		t.Fatal("Spread(2, 2, …) ran its items one after the other")
	}
}

func TestEach(t *testing.T) {
	const n = 1000
	out := make([]int, n)
	Each(n, func(i int) { out[i] = i * i })
	for i, v := range out {
		if v != i*i {
			t.Fatalf("out[%d] = %d; want %d", i, v, i*i)
		}
	}
}

func TestEachErr(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int
		fails []int
		want  string
	}{
		{"none", 100, nil, ""},
		{"one", 100, []int{42}, "item 42"},
		{"lowest of several", 100, []int{99, 7, 50}, "item 7"},
		{"empty", 0, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			err := EachErr(tc.n, func(i int) error {
				calls.Add(1)
				if slices.Contains(tc.fails, i) {
					return fmt.Errorf("item %d", i)
				}
				return nil
			})
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("EachErr error = %q; want %q", got, tc.want)
			}
			if int(calls.Load()) != tc.n {
				t.Errorf("EachErr called f %d times; want %d, failures or not", calls.Load(), tc.n)
			}
		})
	}
}

func TestStream(t *testing.T) {
	for _, workers := range []int{0, 1, 3} {
		const n = 500
		seq := func(yield func(int) bool) {
			for i := range n {
				if !yield(i) {
					return
				}
			}
		}
		var mu sync.Mutex
		var got []int
		Stream(workers, seq, func(w, x int) {
			if w < 0 || w >= max(1, workers) {
				t.Errorf("Stream(%d, …): worker %d", workers, w)
			}
			mu.Lock()
			got = append(got, x)
			mu.Unlock()
		})
		slices.Sort(got)
		for i, x := range got {
			if x != i {
				t.Errorf("Stream(%d, …) did items %v…; want each of [0, %d) once", workers, got[:i+1], n)
				break
			}
		}
		if len(got) != n {
			t.Errorf("Stream(%d, …) did %d items; want %d", workers, len(got), n)
		}
	}
}

// TestLimitWalk walks a tree of fan-out 3 and depth 5 the way publish
// walks folders, and checks that every node is visited once.
func TestLimitWalk(t *testing.T) {
	for _, fail := range []string{"none", "/2/0"} {
		var visited sync.Map
		l := NewLimit(2)
		var walk func(path string, depth int) error
		walk = func(path string, depth int) error {
			if _, dup := visited.LoadOrStore(path, true); dup {
				t.Errorf("%s visited twice", path)
			}
			if path == fail {
				return fmt.Errorf("%s failed", path)
			}
			for c := range 3 {
				if depth == 5 {
					break
				}
				child := fmt.Sprintf("%s/%d", path, c)
				if err := l.Go(func() error { return walk(child, depth+1) }); err != nil {
					return err
				}
			}
			return nil
		}
		err := errors.Join(walk("", 0), l.Wait())
		if fail == "none" {
			n := 0
			visited.Range(func(_, _ any) bool { n++; return true })
			if err != nil || n != 1+3+9+27+81+243 {
				t.Errorf("walk visited %d nodes, error %v; want 364, no error", n, err)
			}
		} else if err == nil || err.Error() != fail+" failed" {
			t.Errorf("walk error = %v; want %q", err, fail+" failed")
		}
	}
}

// TestLimitBound fills the Limit's goroutines with functions that wait,
// and checks that the next function runs on the caller's goroutine and
// that Wait returns the others' errors.
func TestLimitBound(t *testing.T) {
	l := NewLimit(2)
	release := make(chan struct{})
	errA, errB, errC := errors.New("a"), errors.New("b"), errors.New("c")
	for _, e := range []error{errA, errB} {
		if err := l.Go(func() error { <-release; return e }); err != nil {
			t.Fatalf("Go with a free goroutine = %v; want nil", err)
		}
	}
	ran := false
	if err := l.Go(func() error { ran = true; return errC }); err != errC || !ran {
		t.Errorf("Go with none free = %v, ran %v; want %v, ran on the caller's goroutine", err, ran, errC)
	}
	close(release)
	err := l.Wait()
	if !errors.Is(err, errA) || !errors.Is(err, errB) || errors.Is(err, errC) {
		t.Errorf("Wait() = %v; want a and b joined", err)
	}
}
