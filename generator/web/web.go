// Package web is digest's one HTTP client for what the curator asks it to
// fetch: feeds (digest fetch), pages (digest add) and links (digest check
// --links). Nothing else in digest opens a connection.
//
// The contract, which the tests check:
//   - at most PerHost requests to one host at a time, however many
//     goroutines call the client;
//   - a request ends within Timeout, its response headers arrive within
//     HeaderTimeout, and its body never stalls longer than IdleTimeout:
//     a slow server cannot hang a command;
//   - a body is read into memory only up to MaxBytes; a larger one is
//     refused with ErrTooLarge, having read at most MaxBytes+1 bytes;
//   - gzip is asked for and undone by Go's transport (the client never
//     sets Accept-Encoding itself, which would turn that off), and
//     MaxBytes counts the bytes after it is undone, so a small
//     compressed bomb is refused too;
//   - at most MaxRedirects redirects are followed; a loop is reported as
//     one;
//   - every request names digest and its home in User-Agent;
//   - Validators from an earlier response make the request conditional
//     (If-None-Match, If-Modified-Since); a 304 answer is a Response
//     with NotModified set, not an error;
//   - any other status outside 2xx is a *StatusError.
package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Home is digest's address, named in the User-Agent so that a site's
// owner can find out what is reading their feed.
const Home = "https://github.com/digest/digest"

// ErrTooLarge is the error of a body larger than the client's MaxBytes.
var ErrTooLarge = errors.New("response too large")

// A Client fetches. Its fields may be changed before its first request,
// not after; New sets them to the defaults.
type Client struct {
	UserAgent     string
	Timeout       time.Duration // the whole request, body included
	HeaderTimeout time.Duration // from sending the request to its response's headers
	IdleTimeout   time.Duration // the longest wait for the next bytes of a body
	MaxBytes      int64         // the largest body read
	MaxRedirects  int
	PerHost       int // requests to one host at once

	once  sync.Once
	http  *http.Client
	mu    sync.Mutex // guards hosts
	hosts map[string]chan struct{}
}

// New returns a client with the defaults, naming digest's version in its
// User-Agent.
func New(version string) *Client {
	return &Client{
		UserAgent:     fmt.Sprintf("digest/%s (+%s)", version, Home),
		Timeout:       60 * time.Second,
		HeaderTimeout: 20 * time.Second,
		IdleTimeout:   20 * time.Second,
		MaxBytes:      10 << 20,
		MaxRedirects:  10,
		PerHost:       2,
	}
}

// Validators are what a server said identifies the version it sent; sent
// back, they let it answer 304 Not Modified instead of sending it again.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// A Request is what to fetch.
type Request struct {
	URL    string
	Method string // GET when empty; HEAD reads no body
	Accept string // the Accept header; none when empty
	Validators
}

// A Response is what the server sent.
type Response struct {
	URL         string // where the body came from, after redirects
	Status      int
	ContentType string
	NotModified bool   // a 304 answer to a conditional request; Body is empty
	Body        []byte // at most the client's MaxBytes
	Validators         // the response's, for the next request
}

// A StatusError is an answer outside 2xx (and not a 304).
type StatusError struct {
	URL    string
	Status int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: the server answered %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// Get fetches url with GET, unconditionally.
func (c *Client) Get(ctx context.Context, url string) (*Response, error) {
	return c.Do(ctx, Request{URL: url})
}

// Do fetches r. Its errors name r.URL.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	c.once.Do(c.init)
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: not an http(s) address", r.URL)
	}
	release, err := c.acquire(ctx, strings.ToLower(u.Host))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.URL, err)
	}
	defer release()

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ctx, stop := context.WithTimeoutCause(ctx, c.Timeout, fmt.Errorf("no complete answer within %v", c.Timeout))
	defer stop()
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, c.explain(ctx, r.URL, err)
	}
	defer resp.Body.Close()

	out := &Response{
		URL:         resp.Request.URL.String(),
		Status:      resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Validators: Validators{
			ETag:         resp.Header.Get("ETag"),
			LastModified: resp.Header.Get("Last-Modified"),
		},
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, &StatusError{URL: r.URL, Status: resp.StatusCode}
	case r.Method == http.MethodHead:
		return out, nil
	case resp.ContentLength > c.MaxBytes:
		return nil, fmt.Errorf("%s: %w: %d bytes, more than the limit of %d", r.URL, ErrTooLarge, resp.ContentLength, c.MaxBytes)
	}
	out.Body, err = c.read(cancel, resp.Body)
	if errors.Is(err, ErrTooLarge) {
		return nil, fmt.Errorf("%s: %w: more than the limit of %d bytes", r.URL, err, c.MaxBytes)
	}
	if err != nil {
		return nil, c.explain(ctx, r.URL, err)
	}
	return out, nil
}

// send sends r and returns the response with its headers read.
func (c *Client) send(ctx context.Context, r Request) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.UserAgent)
	if r.Accept != "" {
		req.Header.Set("Accept", r.Accept)
	}
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	return c.http.Do(req)
}

// read reads body, at most MaxBytes of it, cancelling the request when no
// byte comes for IdleTimeout.
func (c *Client) read(cancel context.CancelCauseFunc, body io.Reader) ([]byte, error) {
	stalled := fmt.Errorf("the server sent nothing for %v", c.IdleTimeout)
	idle := time.AfterFunc(c.IdleTimeout, func() { cancel(stalled) })
	defer idle.Stop()
	b, err := io.ReadAll(io.LimitReader(&idleReader{body, idle, c.IdleTimeout}, c.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > c.MaxBytes {
		return nil, ErrTooLarge
	}
	return b, nil
}

// An idleReader puts off its timer by d at every read that gives bytes.
type idleReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.timer.Reset(r.d)
	}
	return n, err
}

// explain turns a transport's error into one that says what went wrong
// in the curator's terms: the timeout or stall that ended the request,
// the redirect refused, or the transport's own words.
func (c *Client) explain(ctx context.Context, raw string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", raw, context.Cause(ctx))
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%s: no answer within %v", raw, c.HeaderTimeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s: %w", raw, err)
}

// init makes the transport from the client's fields.
func (c *Client) init() {
	dialer := &net.Dialer{Timeout: c.HeaderTimeout, KeepAlive: 30 * time.Second}
	c.http = &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   c.HeaderTimeout,
			ResponseHeaderTimeout: c.HeaderTimeout,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   max(c.PerHost, 1),
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: c.checkRedirect,
	}
	c.hosts = map[string]chan struct{}{}
}

// A redirectError says why a redirect was not followed.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// checkRedirect refuses a redirect to a place already visited, one too
// many, and one to anything but the web.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	to := req.URL.String()
	for _, v := range via {
		if v.URL.String() == to {
			return &redirectError{fmt.Sprintf("redirect loop: %s redirects back to %s", via[len(via)-1].URL, to)}
		}
	}
	if len(via) > c.MaxRedirects {
		return &redirectError{fmt.Sprintf("stopped after %d redirects (the last to %s)", c.MaxRedirects, to)}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &redirectError{fmt.Sprintf("redirected to %s, which is not an http(s) address", to)}
	}
	return nil
}

// acquire waits for a turn to send to host, and returns what ends it.
func (c *Client) acquire(ctx context.Context, host string) (release func(), err error) {
	c.mu.Lock()
	slots, ok := c.hosts[host]
	if !ok {
		slots = make(chan struct{}, max(c.PerHost, 1))
		c.hosts[host] = slots
	}
	c.mu.Unlock()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}
