-- Sleep summary per night from the 30-s epoch hypnogram (same definitions as sources/psg/sleep-summary.ts):
-- time in bed = the whole scored recording; sleep = N1, N2, N3, R (MOVEMENT and UNKNOWN are not sleep);
-- sleep onset = the first sleep epoch; WASO = non-sleep epochs after sleep onset, the final awakening included;
-- awakenings = W runs after sleep onset that follow a sleep epoch; stage % are of total sleep time.
-- recording_start is the start of epoch 0, not lights off (lights-off annotations are not used; Sleep-EDF has none).
with epochs as (
    select * from {{ ref('psg_hypnogram') }}
),

flagged as (
    select
        *,
        stage in ('N1', 'N2', 'N3', 'R')                                          as is_sleep,
        lag(stage) over (partition by subject_id, night, recording_id order by epoch) as previous_stage
    from epochs
),

onsets as (
    select
        subject_id, night, recording_id,
        min(epoch) filter (where is_sleep)   as onset_epoch,
        min(epoch) filter (where stage = 'R') as first_rem_epoch
    from flagged
    group by subject_id, night, recording_id
),

per_night as (
    select
        f.subject_id,
        f.night,
        f.recording_id,
        min(f.epoch_start)                                                          as recording_start,
        count(*)                                                                    as epochs,
        count(*) filter (where f.is_sleep)                                          as sleep_epochs,
        count(*) filter (where not f.is_sleep and f.epoch > o.onset_epoch)          as waso_epochs,
        count(*) filter (where f.stage = 'W' and f.epoch > o.onset_epoch
                          and f.previous_stage in ('N1', 'N2', 'N3', 'R'))         as awakenings,
        count(*) filter (where f.stage = 'W')                                       as w_epochs,
        count(*) filter (where f.stage = 'N1')                                      as n1_epochs,
        count(*) filter (where f.stage = 'N2')                                      as n2_epochs,
        count(*) filter (where f.stage = 'N3')                                      as n3_epochs,
        count(*) filter (where f.stage = 'R')                                       as rem_epochs,
        count(*) filter (where f.stage = 'MOVEMENT')                                as movement_epochs,
        count(*) filter (where f.stage = 'UNKNOWN')                                 as unknown_epochs,
        any_value(o.onset_epoch)                                                    as onset_epoch,
        any_value(o.first_rem_epoch)                                                as first_rem_epoch
    from flagged f
    join onsets o using (subject_id, night, recording_id)
    group by f.subject_id, f.night, f.recording_id
),

final as (
    select
        subject_id,
        night,
        recording_id,
        recording_start,
        epochs * 0.5                                                   as time_in_bed_min,
        sleep_epochs * 0.5                                             as total_sleep_time_min,
        case when epochs > 0 then 100.0 * sleep_epochs / epochs end    as sleep_efficiency_pct,
        onset_epoch * 0.5                                              as sleep_onset_latency_min,
        (first_rem_epoch - onset_epoch) * 0.5                          as rem_latency_min,
        waso_epochs * 0.5                                              as waso_min,
        awakenings,
        w_epochs * 0.5                                                 as w_min,
        n1_epochs * 0.5                                                as n1_min,
        n2_epochs * 0.5                                                as n2_min,
        n3_epochs * 0.5                                                as n3_min,
        rem_epochs * 0.5                                               as rem_min,
        movement_epochs * 0.5                                          as movement_min,
        unknown_epochs * 0.5                                           as unknown_min,
        case when sleep_epochs > 0 then 100.0 * n1_epochs / sleep_epochs end  as n1_pct,
        case when sleep_epochs > 0 then 100.0 * n2_epochs / sleep_epochs end  as n2_pct,
        case when sleep_epochs > 0 then 100.0 * n3_epochs / sleep_epochs end  as n3_pct,
        case when sleep_epochs > 0 then 100.0 * rem_epochs / sleep_epochs end as rem_pct,
        case when epochs > 0 then 100.0 * w_epochs / epochs end               as w_pct_of_time_in_bed
    from per_night
)

select * from final
order by subject_id, night, recording_id
