// Package work runs a function over many items on several goroutines:
// the one worker pool of digest.
//
// Every function here returns only when all the work it started has
// ended, so no goroutine outlives its caller. Items are handed out in
// increasing order, and each worker takes its items in increasing order,
// so a worker that appends to its own state keeps that state sorted.
// Results that must come out in order belong in a slice indexed by item,
// which the caller reads after the call.
package work

import (
	"errors"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers returns how many goroutines Each uses for n items: one per
// core, no more than there are items, and at least one.
func Workers(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n))
}

// Each calls f(i) for every i in [0, n) on Workers(n) goroutines. It is
// for work that uses a processor; see Spread for work that waits.
func Each(n int, f func(i int)) {
	Spread(Workers(n), n, func(_, i int) { f(i) })
}

// EachErr is Each for a function that can fail. It calls f for every
// item even after one has failed, and returns the error of the lowest
// item that failed, so the same input gives the same error whatever the
// scheduling.
func EachErr(n int, f func(i int) error) error {
	var (
		mu    sync.Mutex
		first = n
		err   error
	)
	Each(n, func(i int) {
		if e := f(i); e != nil {
			mu.Lock()
			if i < first {
				first, err = i, e
			}
			mu.Unlock()
		}
	})
	return err
}

// Spread calls f(w, i) for every i in [0, n) on the given number of
// goroutines, w being the goroutine's number in [0, workers): a caller
// can keep scratch space for each worker in a slice indexed by w, which
// no two calls use at once. Work that waits on the file system more than
// it uses a processor can ask for more workers than there are cores.
func Spread(workers, n int, f func(w, i int)) {
	if workers <= 1 || n <= 1 {
		for i := range n {
			f(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(workers, n) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(w, i)
			}
		})
	}
	wg.Wait()
}

// Stream calls f(w, x) for every x of seq on the given number of
// goroutines, numbered w as in Spread. seq runs on the caller's
// goroutine, which waits while every worker is busy, so seq can make
// its items as they are taken.
func Stream[T any](workers int, seq iter.Seq[T], f func(w int, x T)) {
	workers = max(1, workers)
	items := make(chan T, 64)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for x := range items {
				f(w, x)
			}
		})
	}
	defer wg.Wait()
	defer close(items)
	for x := range seq {
		items <- x
	}
}

// Limit runs functions on at most a given number of goroutines of its
// own, and on the caller's when all are busy: a folder walk that starts
// a walk per subfolder does not pile up goroutines, and never waits for
// a free one. The zero Limit is not ready to use; call NewLimit.
type Limit struct {
	slots chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex // guards errs
	errs  []error
}

// NewLimit returns a Limit of n goroutines.
func NewLimit(n int) *Limit {
	return &Limit{slots: make(chan struct{}, n)}
}

// Go runs f on a goroutine of the Limit's if one is free, keeping its
// error for Wait, and returns nil at once. Otherwise it runs f on the
// caller's goroutine and returns f's error.
func (l *Limit) Go(f func() error) error {
	select {
	case l.slots <- struct{}{}:
	default:
		return f()
	}
	l.wg.Go(func() {
		defer func() { <-l.slots }()
		if err := f(); err != nil {
			l.mu.Lock()
			l.errs = append(l.errs, err)
			l.mu.Unlock()
		}
	})
	return nil
}

// Wait waits for the functions Go started on goroutines of the Limit's,
// including those that they started in turn, and returns their errors
// joined.
func (l *Limit) Wait() error {
	l.wg.Wait()
	return errors.Join(l.errs...)
}
