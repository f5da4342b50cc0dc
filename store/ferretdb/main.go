// Command parley-store runs FerretDB (a MongoDB wire-protocol server) embedded,
// on its PostgreSQL backend, for Parley's development, tests and small sites.
// Production uses real MongoDB.
//
// With -pg-bin it also owns the PostgreSQL server under FerretDB: it starts it
// as its own child (killed with us even on SIGKILL, through the parent-death
// signal), waits until it answers, creates the database, then serves.
// Without -pg-bin it uses the PostgreSQL at -postgresql-url.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/jackc/pgx/v5"
)

type options struct {
	listen   string
	pgURL    string
	pgBin    string
	pgData   string
	pgPort   int
	pgUID    int
	pgGID    int
	database string
	logLevel string
}

func main() {
	var o options
	flag.StringVar(&o.listen, "listen", "127.0.0.1:27017", "TCP address to listen on")
	flag.StringVar(&o.pgURL, "postgresql-url", "", "an existing PostgreSQL to use (instead of -pg-bin)")
	flag.StringVar(&o.pgBin, "pg-bin", "", "path of the postgres binary to run as our child")
	flag.StringVar(&o.pgData, "pg-data", "", "its data directory (already initialised by initdb)")
	flag.IntVar(&o.pgPort, "pg-port", 0, "its TCP port on 127.0.0.1")
	flag.IntVar(&o.pgUID, "pg-uid", -1, "run it as this uid (PostgreSQL refuses to run as root)")
	flag.IntVar(&o.pgGID, "pg-gid", -1, "and this gid")
	flag.StringVar(&o.database, "database", "parley", "the PostgreSQL database FerretDB keeps its data in")
	flag.StringVar(&o.logLevel, "log-level", "warn", "FerretDB log level: debug, info, warn or error")
	flag.Parse()

	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "parley-store:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Exit when the parent goes away (stdin closed), so a crashed Node
	// process never leaves an orphan store behind.
	go func() {
		buf := make([]byte, 1)
		for {
			if _, err := os.Stdin.Read(buf); err != nil {
				stop()
				return
			}
		}
	}()

	pgURL := o.pgURL
	var pg *postgresChild
	if o.pgBin != "" {
		var err error
		if pg, err = startPostgres(o); err != nil {
			return err
		}
		defer pg.shutdown()
		u := url.URL{
			Scheme: "postgres",
			User:   url.UserPassword("postgres", os.Getenv("PARLEY_PG_PASSWORD")),
			Host:   "127.0.0.1:" + strconv.Itoa(o.pgPort),
			Path:   "/" + o.database,
		}
		pgURL = u.String()
	}
	if pgURL == "" {
		return errors.New("either -pg-bin or -postgresql-url is required")
	}
	pgURL, err := withRuntimeParams(pgURL)
	if err != nil {
		return err
	}
	if err := ensureDatabase(ctx, pgURL, pg); err != nil {
		return err
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: o.listen},
		Handler:       "postgresql",
		PostgreSQLURL: pgURL,
		Logger:        logger,
	})
	if err != nil {
		return err
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	fmt.Println("parley-store listening", f.MongoDBURI())

	var pgExited <-chan struct{}
	if pg != nil {
		pgExited = pg.exited
	}
	select {
	case err := <-done:
		if err != nil && ctx.Err() == nil {
			return err
		}
		return nil
	case <-pgExited:
		return fmt.Errorf("postgres exited unexpectedly: %v", pg.err)
	}
}

// withRuntimeParams asks every FerretDB connection to plan statements with
// their values: FerretDB sends its filters as parameters, and only a custom
// plan lets PostgreSQL match them to Parley's expression indexes.
func withRuntimeParams(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("bad PostgreSQL URL: %w", err)
	}
	q := u.Query()
	if !q.Has("plan_cache_mode") {
		q.Set("plan_cache_mode", "force_custom_plan")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

type postgresChild struct {
	cmd *exec.Cmd
	// exited is closed when postgres has exited; err is its exit error.
	exited chan struct{}
	err    error
}

// startPostgres runs postgres as our child on a locked OS thread, so that the
// parent-death signal (tied to the creating thread) fires only when we die.
func startPostgres(o options) (*postgresChild, error) {
	args := []string{
		"-D", o.pgData,
		"-p", strconv.Itoa(o.pgPort),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
		"-c", "plan_cache_mode=force_custom_plan",
		// A small site's store: keep the write-ahead log small (the default lets it grow to 1 GB).
		"-c", "max_wal_size=128MB",
		"-c", "min_wal_size=32MB",
		// Fresh statistics soon after a bulk load (an import), so the planner picks the indexes.
		"-c", "autovacuum_naptime=15s",
		"-c", "autovacuum_analyze_scale_factor=0.05",
	}
	started := make(chan error, 1)
	child := &postgresChild{exited: make(chan struct{})}
	go func() {
		runtime.LockOSThread()
		cmd := exec.Command(o.pgBin, args...)
		cmd.Stdout = os.Stderr
		cmd.Stderr = os.Stderr
		attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGINT}
		if o.pgUID >= 0 {
			attr.Credential = &syscall.Credential{Uid: uint32(o.pgUID), Gid: uint32(o.pgGID)}
		}
		cmd.SysProcAttr = attr
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		child.cmd = cmd
		started <- nil
		child.err = cmd.Wait()
		close(child.exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("cannot start postgres: %w", err)
	}
	fmt.Println("parley-store postgres pid", child.cmd.Process.Pid)
	return child, nil
}

// shutdown asks postgres for a fast shutdown and waits for it (SIGQUIT after 10 s).
func (c *postgresChild) shutdown() {
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Signal(syscall.SIGQUIT)
		<-c.exited
	}
}

// ensureDatabase waits until PostgreSQL answers and creates the database if missing.
func ensureDatabase(ctx context.Context, pgURL string, pg *postgresChild) error {
	cfg, err := pgx.ParseConfig(pgURL)
	if err != nil {
		return fmt.Errorf("bad PostgreSQL URL: %w", err)
	}
	database := cfg.Database
	cfg.Database = "postgres"
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			defer conn.Close(ctx)
			var exists bool
			if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", database).Scan(&exists); err != nil {
				return fmt.Errorf("postgres: %w", err)
			}
			if !exists {
				_, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{database}.Sanitize()+" ENCODING 'UTF8' TEMPLATE template0")
				// Two stores started at once on one PostgreSQL: the other one created it.
				if err != nil && !isDuplicateDatabase(err) {
					return fmt.Errorf("postgres: create database %s: %w", database, err)
				}
			}
			return nil
		}
		if pg != nil {
			select {
			case <-pg.exited:
				return fmt.Errorf("postgres exited during start: %v", pg.err)
			default:
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not answer within 60 s: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func isDuplicateDatabase(err error) bool {
	type sqlStater interface{ SQLState() string }
	var se sqlStater
	return errors.As(err, &se) && se.SQLState() == "42P04"
}
