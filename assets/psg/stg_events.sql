-- Scored events, typed, one row per event. event_type is normalized: any kind of apnea (obstructive, central,
-- mixed) → 'apnea', hypopnea → 'hypopnea', any arousal → 'arousal', everything else (desaturations, limb
-- movements, ...) → 'other'; raw_event_type keeps the exported label.
with events as (
    select * from {{ ref('raw_sleep_events') }}
),

typed as (
    select
        trim(study_id)                          as study_id,
        try_cast(study_date as date)            as study_date,
        lower(trim(event_type))                 as raw_event_type,
        try_cast(onset_s as double)             as onset_s,
        try_cast(duration_s as double)          as duration_s,
        nullif(trim(sleep_stage), '')           as sleep_stage
    from events
    where nullif(trim(study_id), '') is not null
),

final as (
    select
        study_id,
        study_date,
        case
            when raw_event_type like '%hypopnea%' then 'hypopnea'   -- before apnea: 'hypopnea' contains 'apnea'
            when raw_event_type like '%apnea%'    then 'apnea'
            when raw_event_type like '%arousal%'  then 'arousal'
            else 'other'
        end                                      as event_type,
        raw_event_type,
        onset_s,
        duration_s,
        sleep_stage
    from typed
)

select * from final
order by study_date, study_id, onset_s
