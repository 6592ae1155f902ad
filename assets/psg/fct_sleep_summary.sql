-- Sleep summary per night from the 30-s epoch hypnogram; the same definitions as sources/psg/sleep-summary.ts.
--
-- In-bed period [in_bed_start, in_bed_end) on the epoch grid; in_bed_rule says which rule applied:
--   'lights'           psg_lights has lights off and on: the epochs starting at or after lights off, before lights on;
--   'sleep_edf_30min'  otherwise, with sleep (Sleep-EDF convention; its recordings run ~22 h): from 30 min before
--                      the first sleep epoch (not before the recording start) to 30 min after the end of the last
--                      sleep epoch, the final awakening (not after the last epoch); sleep onset latency is then
--                      30 min by construction unless the recording starts later;
--   'recording'        no lights and no sleep: the whole recording.
-- Only in-bed epochs count below. Sleep = N1, N2, N3, R. MOVEMENT is neither sleep nor wake: in time in bed (and
-- the efficiency denominator), not in TST or WASO. UNKNOWN (unscored) is left out of the TIB-based measures
-- (efficiency and W % use TIB − unscored) and of WASO. WASO = W epochs after sleep onset, the final awakening up to
-- the in-bed end included. Awakenings = W runs after sleep onset entered from sleep, skipping MOVEMENT and UNKNOWN
-- epochs in between. Stage minutes are in bed; stage % are of total sleep time.
-- recording_start is the start of epoch 0, not lights off.
with epochs as (
    select * from {{ ref('psg_hypnogram') }}
),

lights as (
    select * from {{ ref('psg_lights') }}
),

flagged as (
    select
        *,
        stage in ('N1', 'N2', 'N3', 'R')                                          as is_sleep,
        -- Whether the last W or sleep epoch before this one was sleep (MOVEMENT and UNKNOWN skipped).
        last_value(case when stage in ('N1', 'N2', 'N3', 'R') then true when stage = 'W' then false end ignore nulls)
            over (partition by subject_id, night, recording_id order by epoch
                  rows between unbounded preceding and 1 preceding)              as previous_scored_is_sleep
    from epochs
),

recordings as (
    select
        f.subject_id,
        f.night,
        f.recording_id,
        min(f.epoch_start)                                                   as recording_start,
        count(*)                                                             as recording_epochs,
        min(f.epoch) filter (where f.is_sleep)                               as first_sleep_epoch,
        max(f.epoch) filter (where f.is_sleep)                               as last_sleep_epoch,
        any_value(l.lights_off)                                              as lights_off,
        any_value(l.lights_on)                                               as lights_on,
        min(f.epoch) filter (where f.epoch_start >= l.lights_off)            as lights_off_epoch,
        min(f.epoch) filter (where f.epoch_start >= l.lights_on)             as lights_on_epoch
    from flagged f
    left join lights l using (subject_id, night, recording_id)
    group by f.subject_id, f.night, f.recording_id
),

ruled as (
    select
        *,
        case
            when lights_off is not null and lights_on is not null then 'lights'
            when first_sleep_epoch is not null then 'sleep_edf_30min'
            else 'recording'
        end                                                                  as in_bed_rule
    from recordings
),

periods as (
    select
        *,
        case in_bed_rule
            when 'lights' then coalesce(lights_off_epoch, recording_epochs)
            when 'sleep_edf_30min' then greatest(0, first_sleep_epoch - 60)
            else 0
        end                                                                  as in_bed_start_epoch,
        case in_bed_rule
            when 'lights' then greatest(coalesce(lights_off_epoch, recording_epochs),
                                        coalesce(lights_on_epoch, recording_epochs))
            when 'sleep_edf_30min' then least(recording_epochs, last_sleep_epoch + 1 + 60)
            else recording_epochs
        end                                                                  as in_bed_end_epoch
    from ruled
),

in_bed as (
    select f.*
    from flagged f
    join periods p using (subject_id, night, recording_id)
    where f.epoch >= p.in_bed_start_epoch and f.epoch < p.in_bed_end_epoch
),

onsets as (
    select
        subject_id, night, recording_id,
        min(epoch) filter (where is_sleep)    as onset_epoch,
        min(epoch) filter (where stage = 'R') as first_rem_epoch
    from in_bed
    group by subject_id, night, recording_id
),

per_night as (
    select
        b.subject_id,
        b.night,
        b.recording_id,
        count(*) filter (where b.is_sleep)                                          as sleep_epochs,
        count(*) filter (where b.stage = 'W' and b.epoch > o.onset_epoch)           as waso_epochs,
        count(*) filter (where b.stage = 'W' and b.epoch > o.onset_epoch
                          and b.previous_scored_is_sleep)                           as awakenings,
        count(*) filter (where b.stage = 'W')                                       as w_epochs,
        count(*) filter (where b.stage = 'N1')                                      as n1_epochs,
        count(*) filter (where b.stage = 'N2')                                      as n2_epochs,
        count(*) filter (where b.stage = 'N3')                                      as n3_epochs,
        count(*) filter (where b.stage = 'R')                                       as rem_epochs,
        count(*) filter (where b.stage = 'MOVEMENT')                                as movement_epochs,
        count(*) filter (where b.stage = 'UNKNOWN')                                 as unknown_epochs,
        any_value(o.onset_epoch)                                                    as onset_epoch,
        any_value(o.first_rem_epoch)                                                as first_rem_epoch
    from in_bed b
    join onsets o using (subject_id, night, recording_id)
    group by b.subject_id, b.night, b.recording_id
),

final as (
    select
        p.subject_id,
        p.night,
        p.recording_id,
        p.recording_start,
        p.in_bed_rule,
        p.recording_start + to_seconds(30 * p.in_bed_start_epoch)              as in_bed_start,
        p.recording_start + to_seconds(30 * p.in_bed_end_epoch)                as in_bed_end,
        (p.in_bed_end_epoch - p.in_bed_start_epoch) * 0.5                      as time_in_bed_min,
        coalesce(n.sleep_epochs, 0) * 0.5                                      as total_sleep_time_min,
        case when p.in_bed_end_epoch - p.in_bed_start_epoch - coalesce(n.unknown_epochs, 0) > 0
             then 100.0 * coalesce(n.sleep_epochs, 0)
                  / (p.in_bed_end_epoch - p.in_bed_start_epoch - n.unknown_epochs) end as sleep_efficiency_pct,
        (n.onset_epoch - p.in_bed_start_epoch) * 0.5                           as sleep_onset_latency_min,
        (n.first_rem_epoch - n.onset_epoch) * 0.5                              as rem_latency_min,
        coalesce(n.waso_epochs, 0) * 0.5                                       as waso_min,
        coalesce(n.awakenings, 0)                                              as awakenings,
        coalesce(n.w_epochs, 0) * 0.5                                          as w_min,
        coalesce(n.n1_epochs, 0) * 0.5                                         as n1_min,
        coalesce(n.n2_epochs, 0) * 0.5                                         as n2_min,
        coalesce(n.n3_epochs, 0) * 0.5                                         as n3_min,
        coalesce(n.rem_epochs, 0) * 0.5                                        as rem_min,
        coalesce(n.movement_epochs, 0) * 0.5                                   as movement_min,
        coalesce(n.unknown_epochs, 0) * 0.5                                    as unknown_min,
        case when n.sleep_epochs > 0 then 100.0 * n.n1_epochs / n.sleep_epochs end  as n1_pct,
        case when n.sleep_epochs > 0 then 100.0 * n.n2_epochs / n.sleep_epochs end  as n2_pct,
        case when n.sleep_epochs > 0 then 100.0 * n.n3_epochs / n.sleep_epochs end  as n3_pct,
        case when n.sleep_epochs > 0 then 100.0 * n.rem_epochs / n.sleep_epochs end as rem_pct,
        case when p.in_bed_end_epoch - p.in_bed_start_epoch - coalesce(n.unknown_epochs, 0) > 0
             then 100.0 * coalesce(n.w_epochs, 0)
                  / (p.in_bed_end_epoch - p.in_bed_start_epoch - n.unknown_epochs) end as w_pct_of_time_in_bed
    from periods p
    left join per_night n using (subject_id, night, recording_id)
)

select * from final
order by subject_id, night, recording_id
