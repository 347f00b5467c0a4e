package server

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/taper-run/taper"
	"github.com/taper-run/taper/store"
)

// importJob is an upload being imported, or done: the page polls it.
type importJob struct {
	mu sync.Mutex
	st importStatus
}

// importStatus is an import job as GET /api/imports/{job} shows it.
type importStatus struct {
	ID       string         `json:"job"`
	Athlete  string         `json:"athlete"`
	State    string         `json:"state"` // importing | done | failed
	Files    int            `json:"files"` // files read so far
	Total    int            `json:"total"` // files to read; 0 = not known yet
	Uploaded int            `json:"uploaded"`
	Bytes    int64          `json:"bytes"`
	Started  time.Time      `json:"started"`
	Finished *time.Time     `json:"finished,omitempty"`
	Summary  *importSummary `json:"summary,omitempty"`
	Error    *errorBody     `json:"error,omitempty"`
}

func (j *importJob) snapshot() importStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.st
}

func (j *importJob) update(fn func(*importStatus)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	fn(&j.st)
}

// checkAthleteName refuses a name that would be confusing in a URL or a
// terminal (taper.CheckAthleteName).
func checkAthleteName(name string) error {
	if err := taper.CheckAthleteName(name); err != nil {
		return badRequest(taper.HintOf(err), "%s", err.Error())
	}
	return nil
}

// uploadExt keeps the part of an uploaded file's name that says how to read
// it, from a fixed list; nothing else of the client's name is used.
func uploadExt(name string) string {
	lower := strings.ToLower(name)
	for _, ext := range []string{".fit.gz", ".gpx.gz", ".fit", ".gpx", ".zip", ".gz"} {
		if strings.HasSuffix(lower, ext) {
			return ext
		}
	}
	return ".bin" // the importer decides by content
}

// apiImport receives a multipart upload of export zips or activity files
// for an athlete (new or existing), writes them into a private temporary
// folder under names of its own, and imports them in the background with
// the same code as taper import. It answers 202 with the job to poll.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := checkAthleteName(name); err != nil {
		writeError(w, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, badRequest("send the files as multipart/form-data (the import page does)", "not a file upload: %v", err))
		return
	}
	dir, err := os.MkdirTemp("", "taper-upload-")
	if err != nil {
		s.apiFail(w, r, fmt.Errorf("import upload: %w", err))
		return
	}
	paths, names, size, err := s.receive(mr, dir)
	if err != nil {
		os.RemoveAll(dir)
		writeError(w, err)
		return
	}
	job := s.newJob(name, len(paths), size)
	s.work.Add(1)
	go func() {
		defer s.work.Done()
		defer os.RemoveAll(dir)
		s.runImport(job, name, paths, names)
	}()
	w.Header().Set("Location", "/api/imports/"+job.snapshot().ID)
	writeJSON(w, http.StatusAccepted, job.snapshot())
}

// receive writes the upload's files into dir as 0001.zip, 0002.fit... and
// returns their paths with the names they were uploaded under (shown in the
// summary, never used as a path).
func (s *Server) receive(mr *multipart.Reader, dir string) ([]string, map[string]string, int64, error) {
	var paths []string
	names := map[string]string{}
	var size int64
	tooLarge := func() error {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Msg: fmt.Sprintf("upload over %d MiB", s.opts.MaxUpload>>20),
			Hint: "import a large export from the command line: taper import --athlete NAME export.zip"}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, nil, 0, tooLarge()
		}
		if err != nil {
			return nil, nil, 0, badRequest("send the files as multipart/form-data", "bad upload: %v", err)
		}
		if part.FileName() == "" {
			part.Close()
			continue // a form field
		}
		if len(paths) >= s.opts.MaxFiles {
			part.Close()
			return nil, nil, 0, &apiError{Status: http.StatusRequestEntityTooLarge, Msg: fmt.Sprintf("more than %d files in one upload", s.opts.MaxFiles),
				Hint: "zip them into one export, or import them from the command line"}
		}
		p := filepath.Join(dir, fmt.Sprintf("%04d%s", len(paths)+1, uploadExt(part.FileName())))
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			part.Close()
			return nil, nil, 0, fmt.Errorf("import upload: %w", err)
		}
		n, err := io.Copy(f, part)
		part.Close()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if errors.As(err, &mbe) {
			return nil, nil, 0, tooLarge()
		}
		if err != nil {
			return nil, nil, 0, badRequest("try the upload again", "upload interrupted: %v", err)
		}
		size += n
		paths = append(paths, p)
		names[p] = filepath.Base(part.FileName())
	}
	if len(paths) == 0 {
		return nil, nil, 0, badRequest("choose or drop at least one .zip, .fit or .gpx file", "no files in the upload")
	}
	return paths, names, size, nil
}

func (s *Server) newJob(athlete string, files int, size int64) *importJob {
	s.jobsMu.Lock()
	defer s.jobsMu.Unlock()
	s.nextID++
	job := &importJob{st: importStatus{ID: strconv.Itoa(s.nextID), Athlete: athlete, State: "importing", Uploaded: files, Bytes: size, Started: s.opts.Now().UTC()}}
	s.jobs[job.st.ID] = job
	return job
}

// runImport imports the uploaded files and records the outcome in job.
func (s *Server) runImport(job *importJob, athlete string, paths []string, names map[string]string) {
	// An import waits for the database as long as it takes (a cron import
	// may hold it), until the server stops.
	ctx := s.ctx
	defer s.lockAthlete(athlete)()
	var summary *importSummary
	var err error
	for {
		err = s.write(ctx, func(db *store.DB) error {
			summary, err = s.importFiles(ctx, db, athlete, paths, names, func(done, total int) {
				job.update(func(st *importStatus) { st.Files, st.Total = done, total })
			})
			return err
		})
		var ae *apiError
		if !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	now := s.opts.Now().UTC()
	if err != nil {
		s.log.Warn("import failed", "athlete", athlete, "err", err)
	}
	job.update(func(st *importStatus) {
		st.Finished = &now
		if err != nil {
			ae := asAPIError(err)
			st.State, st.Error = "failed", &errorBody{Error: ae.Msg, Hint: ae.Hint}
			return
		}
		st.State, st.Summary = "done", summary
	})
}

// apiImportStatus tells how an upload's import is going.
func (s *Server) apiImportStatus(w http.ResponseWriter, r *http.Request) {
	s.jobsMu.Lock()
	job := s.jobs[r.PathValue("job")]
	s.jobsMu.Unlock()
	if job == nil {
		writeError(w, notFound("the upload's answer names its job", "no import job %q", r.PathValue("job")))
		return
	}
	writeJSON(w, http.StatusOK, job.snapshot())
}
