-- Respiratory event rates per study and study date (the key: study ids repeat across dates).
-- AHI = (apneas + hypopneas) / hours of total sleep time; arousal index = arousals / hours of total sleep time;
-- both null without sleep. Severity (AASM): AHI < 5 normal, 5 to < 15 mild, 15 to < 30 moderate, ≥ 30 severe.
with studies as (
    select * from {{ ref('stg_sleep_study') }}
),

events as (
    select * from {{ ref('stg_events') }}
),

counts as (
    select
        study_id,
        study_date,
        count(*) filter (where event_type = 'apnea')     as apnea_count,
        count(*) filter (where event_type = 'hypopnea')  as hypopnea_count,
        count(*) filter (where event_type = 'arousal')   as arousal_count,
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
