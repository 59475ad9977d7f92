/**
 * Schedules for Gale DAGs: timetables that decide when automated DAG runs happen and which
 * data interval each run covers.
 *
 * <p>The semantics follow Apache Airflow 2's timetables ({@code airflow/timetables/interval.py}
 * and {@code _cron.py}). {@link io.gale.schedule.Timetables#parse(String, java.time.ZoneId)} turns
 * a DAG's schedule string (a preset such as {@code @daily}, a Unix cron expression or a Quartz cron
 * expression) into a {@link io.gale.schedule.Timetable};
 * {@link io.gale.schedule.Timetables#every(java.time.Duration)} builds a fixed-interval one. Cron
 * expressions are evaluated on the DAG's local wall clock, with Airflow's daylight-saving rules
 * applied on top.
 */
package io.gale.schedule;
