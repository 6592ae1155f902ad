-- Respiratory event rates per study and study date (the key: study ids repeat across dates).
-- AHI = (apneas + hypopneas) / hours of total sleep time; arousal index = arousals / hours of total sleep time;
-- both null without sleep. Severity (AASM): AHI < 5 normal, 5 to < 15 mild, 15 to < 30 moderate, ≥ 30 severe.
-- Only events during sleep count (AASM scores AHI and arousals over sleep): an apnea, hypopnea or arousal whose
-- sleep_stage is known and is wake ('W', 'Wake', 'Sleep stage W', any case, '_' as space) is left out and counted
-- in wake_event_count; events with no stage (unknown) count. 'other' events are counted whatever their stage.
with studies as (
    select * from {{ ref('stg_sleep_study') }}
),

events as (
    select
        *,
        coalesce(regexp_matches(regexp_replace(lower(replace(trim(sleep_stage), '_', ' ')), '\s+', ' ', 'g'),
                                '^((sleep )?stage )?(w|wake)$'), false) as during_wake
    from {{ ref('stg_events') }}
),

counts as (
    select
        study_id,
        study_date,
        count(*) filter (where event_type = 'apnea' and not during_wake)     as apnea_count,
        count(*) filter (where event_type = 'hypopnea' and not during_wake)  as hypopnea_count,
        count(*) filter (where event_type = 'arousal' and not during_wake)   as arousal_count,
        count(*) filter (where event_type in ('apnea', 'hypopnea', 'arousal') and during_wake) as wake_event_count,
        count(*) filter (where event_type = 'other')     as other_event_count
    from events
    group by study_id, study_date
),

rates as (
    select
        s.study_id,
        s.study_date,
        s.subject_id,
        s.night,
        s.total_sleep_time_min,
        s.total_sleep_time_min / 60.0                            as total_sleep_time_h,
        coalesce(c.apnea_count, 0)                               as apnea_count,
        coalesce(c.hypopnea_count, 0)                            as hypopnea_count,
        coalesce(c.arousal_count, 0)                             as arousal_count,
        coalesce(c.wake_event_count, 0)                          as wake_event_count,
        coalesce(c.other_event_count, 0)                         as other_event_count
    from studies s
    left join counts c
        on c.study_id = s.study_id
       and c.study_date = s.study_date
),

final as (
    select
        *,
        case when total_sleep_time_h > 0
             then (apnea_count + hypopnea_count) / total_sleep_time_h end  as ahi,
        case when total_sleep_time_h > 0
             then arousal_count / total_sleep_time_h end                   as arousal_index
    from rates
)

select
    *,
    case
        when ahi is null then null
        when ahi < 5     then 'normal'
        when ahi < 15    then 'mild'
        when ahi < 30    then 'moderate'
        else 'severe'
    end as severity
from final
order by study_date, study_id
