package io.sparkstep.flavor.sparksubmit;

import io.sparkstep.spi.record.PlatformHandle;
import io.sparkstep.spi.record.RunRecord;
import io.sparkstep.spi.remote.SpecStaging;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spark-submit flavor's handle data: the current attempt and the processes and driver that run it, so any later
 * process can follow or cancel the run. Stored in the record's {@code platform} object under the keys records have
 * always had ({@code attempt}, {@code deployMode}, {@code driverRunDir}, {@code attemptLogOffset}, {@code submitPid},
 * {@code driverPid}, {@code submitterPid}, {@code driverId}, {@code driverWorker}, {@code specUri}), so records
 * written before load into it.
 *
 * @param number the attempt, from 1
 * @param deployMode client or cluster, as the run was submitted (the operator may have changed since)
 * @param driverRunDir where the attempt's entrypoint writes its record (a file URI)
 * @param logOffset where the attempt's lines start in the run's log
 * @param submitPid the spark-submit process
 * @param driverPid the driver's process, when it runs here (client mode; YARN cluster mode's monitoring spark-submit)
 * @param submitterPid the process that submitted the run
 * @param driverId a standalone cluster-mode driver's id at the master
 * @param driverWorker the worker that runs that driver
 * @param stagedSpec where the attempt's spec was staged, when it went by URI
 */
record SubmitAttempt(int number, String deployMode, String driverRunDir, long logOffset, Long submitPid,
                     Long driverPid, Long submitterPid, String driverId, String driverWorker, String stagedSpec)
    implements PlatformHandle {
  static final String NUMBER = "attempt";
  static final String DEPLOY_MODE = "deployMode";
  static final String DRIVER_RUN_DIR = "driverRunDir";
  static final String LOG_OFFSET = "attemptLogOffset";
  static final String SUBMIT_PID = "submitPid";
  static final String DRIVER_PID = "driverPid";
  static final String SUBMITTER_PID = "submitterPid";
  static final String DRIVER_ID = "driverId";
  static final String DRIVER_WORKER = "driverWorker";
  private static final String[] KEYS = {NUMBER, DEPLOY_MODE, DRIVER_RUN_DIR, LOG_OFFSET, SUBMIT_PID, DRIVER_PID,
      SUBMITTER_PID, DRIVER_ID, DRIVER_WORKER, SpecStaging.RECORD_KEY};

  /** The handle the record holds; a record of no attempt yet reads as attempt 1 with nothing known. */
  static SubmitAttempt from(RunRecord record) {
    Map<String, String> platform = record.platform == null ? Map.of() : record.platform;
    String number = platform.get(NUMBER);
    String offset = platform.get(LOG_OFFSET);
    return new SubmitAttempt(number == null ? 1 : Integer.parseInt(number), platform.get(DEPLOY_MODE),
        platform.get(DRIVER_RUN_DIR), offset == null ? 0 : Long.parseLong(offset), pid(platform.get(SUBMIT_PID)),
        pid(platform.get(DRIVER_PID)), pid(platform.get(SUBMITTER_PID)), platform.get(DRIVER_ID),
        platform.get(DRIVER_WORKER), platform.get(SpecStaging.RECORD_KEY));
  }

  private static Long pid(String value) {
    return value == null ? null : Long.valueOf(value);
  }

  /** The record with this handle in place of the one it held: a value this handle leaves out is gone. */
  RunRecord into(RunRecord record) {
    return record.platformCleared(KEYS).platformHandle(this);
  }

  /** Attempt {@code next}: nothing of this attempt's processes, driver or staged spec; the submitter stays. */
  SubmitAttempt next(int next, String mode, String runDir, long offset) {
    return new SubmitAttempt(next, mode, runDir, offset, null, null, submitterPid, null, null, null);
  }

  SubmitAttempt submittedBy(long pid) {
    return new SubmitAttempt(number, deployMode, driverRunDir, logOffset, submitPid, driverPid, pid, driverId,
        driverWorker, stagedSpec);
  }

  SubmitAttempt stagedAt(String uri) {
    return new SubmitAttempt(number, deployMode, driverRunDir, logOffset, submitPid, driverPid, submitterPid,
        driverId, driverWorker, uri);
  }

  /** spark-submit runs as {@code submit}; {@code driver} is the driver's process when it runs here, else null. */
  SubmitAttempt processes(long submit, Long driver) {
    return new SubmitAttempt(number, deployMode, driverRunDir, logOffset, submit, driver, submitterPid, driverId,
        driverWorker, stagedSpec);
  }

  SubmitAttempt driver(String id) {
    return new SubmitAttempt(number, deployMode, driverRunDir, logOffset, submitPid, driverPid, submitterPid, id,
        driverWorker, stagedSpec);
  }

  SubmitAttempt onWorker(String worker) {
    return new SubmitAttempt(number, deployMode, driverRunDir, logOffset, submitPid, driverPid, submitterPid,
        driverId, worker, stagedSpec);
  }

  @Override
  public Map<String, String> entries() {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put(NUMBER, Integer.toString(number));
    entries.put(DEPLOY_MODE, deployMode);
    entries.put(DRIVER_RUN_DIR, driverRunDir);
    entries.put(LOG_OFFSET, Long.toString(logOffset));
    entries.put(SUBMIT_PID, submitPid == null ? null : submitPid.toString());
    entries.put(DRIVER_PID, driverPid == null ? null : driverPid.toString());
    entries.put(SUBMITTER_PID, submitterPid == null ? null : submitterPid.toString());
    entries.put(DRIVER_ID, driverId);
    entries.put(DRIVER_WORKER, driverWorker);
    entries.put(SpecStaging.RECORD_KEY, stagedSpec);
    return entries;
  }
}
