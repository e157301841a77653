"""Revision 0001, part two: the contact log, KINs, priorities, messages and victim care.

History: never edit (see __init__).
"""

from alembic import op
import sqlalchemy as sa


def create() -> None:
    op.create_table('engagements',
    sa.Column('occurred_at', sa.String(length=32), nullable=False),
    sa.Column('officer_id', sa.String(length=36), nullable=True),
    sa.Column('ward_id', sa.String(length=36), nullable=True),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('issues', sa.Text(), nullable=False),
    sa.Column('follow_up_due', sa.Date(), nullable=True),
    sa.Column('follow_up_done', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_engagements_officer_id_officers')),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_engagements_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagements'))
    )
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagements_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_engagements_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_engagements_ward_id'), ['ward_id'], unique=False)

    op.create_table('kins',
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('neighbourhood_id', sa.String(length=36), nullable=False),
    sa.Column('ward_id', sa.String(length=36), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_kins_neighbourhood_id_neighbourhoods')),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_kins_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kins'))
    )
    with op.batch_alter_table('kins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kins_neighbourhood_id'), ['neighbourhood_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kins_ward_id'), ['ward_id'], unique=False)

    op.create_table('lsoa_wards',
    sa.Column('lsoa_code', sa.String(length=16), nullable=False),
    sa.Column('lsoa_name', sa.String(length=120), nullable=False),
    sa.Column('ward_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_lsoa_wards_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lsoa_wards')),
    sa.UniqueConstraint('lsoa_code', name=op.f('uq_lsoa_wards_lsoa_code'))
    )
    with op.batch_alter_table('lsoa_wards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lsoa_wards_ward_id'), ['ward_id'], unique=False)

    op.create_table('meeting_officers',
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('officer_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_officers_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_meeting_officers_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_officers'))
    )
    with op.batch_alter_table('meeting_officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_officers_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_officers_officer_id'), ['officer_id'], unique=False)

    op.create_table('meeting_wards',
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('ward_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_wards_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_meeting_wards_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_wards'))
    )
    with op.batch_alter_table('meeting_wards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_wards_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_wards_ward_id'), ['ward_id'], unique=False)

    op.create_table('officer_wards',
    sa.Column('officer_id', sa.String(length=36), nullable=False),
    sa.Column('ward_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_officer_wards_officer_id_officers')),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_officer_wards_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officer_wards'))
    )
    with op.batch_alter_table('officer_wards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_officer_wards_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_officer_wards_ward_id'), ['ward_id'], unique=False)

    op.create_table('patrol_sessions',
    sa.Column('officer_id', sa.String(length=36), nullable=False),
    sa.Column('ward_id', sa.String(length=36), nullable=True),
    sa.Column('starts_at', sa.String(length=32), nullable=False),
    sa.Column('ends_at', sa.String(length=32), nullable=False),
    sa.Column('mode', sa.String(length=32), nullable=False),
    sa.Column('hot_spots', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_patrol_sessions_officer_id_officers')),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_patrol_sessions_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_sessions'))
    )
    with op.batch_alter_table('patrol_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_sessions_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_sessions_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_sessions_ward_id'), ['ward_id'], unique=False)

    op.create_table('priorities',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('public_wording', sa.Text(), nullable=False),
    sa.Column('internal_notes', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('neighbourhood_id', sa.String(length=36), nullable=False),
    sa.Column('ward_id', sa.String(length=36), nullable=True),
    sa.Column('meeting_id', sa.String(length=36), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('review_decision', sa.String(length=32), nullable=True),
    sa.Column('review_decided_on', sa.Date(), nullable=True),
    sa.Column('review_reason', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_priorities_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_priorities_neighbourhood_id_neighbourhoods')),
    sa.ForeignKeyConstraint(['owner_id'], ['officers.id'], name=op.f('fk_priorities_owner_id_officers')),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_priorities_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priorities'))
    )
    with op.batch_alter_table('priorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priorities_neighbourhood_id'), ['neighbourhood_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_priorities_review_on'), ['review_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_priorities_ward_id'), ['ward_id'], unique=False)

    op.create_table('users',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('officer_id', sa.String(length=36), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.String(length=32), nullable=True),
    sa.Column('last_sign_in', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_users_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('engagement_contacts',
    sa.Column('engagement_id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_engagement_contacts_contact_id_contacts')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_engagement_contacts_engagement_id_engagements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_contacts'))
    )
    with op.batch_alter_table('engagement_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_contacts_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_engagement_contacts_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('kin_members',
    sa.Column('kin_id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('represents', sa.String(length=200), nullable=False),
    sa.Column('why_key', sa.Text(), nullable=False),
    sa.Column('cadence_weeks', sa.Integer(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('last_checkin_on', sa.Date(), nullable=True),
    sa.Column('next_checkin_due', sa.Date(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_kin_members_contact_id_contacts')),
    sa.ForeignKeyConstraint(['kin_id'], ['kins.id'], name=op.f('fk_kin_members_kin_id_kins')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kin_members'))
    )
    with op.batch_alter_table('kin_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kin_members_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kin_members_kin_id'), ['kin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kin_members_next_checkin_due'), ['next_checkin_due'], unique=False)

    op.create_table('messages',
    sa.Column('received_at', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('from_name', sa.String(length=200), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=True),
    sa.Column('neighbourhood_id', sa.String(length=36), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('responded_at', sa.String(length=32), nullable=True),
    sa.Column('responded_by_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_messages_contact_id_contacts')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_messages_neighbourhood_id_neighbourhoods')),
    sa.ForeignKeyConstraint(['responded_by_id'], ['officers.id'], name=op.f('fk_messages_responded_by_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_neighbourhood_id'), ['neighbourhood_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_responded_at'), ['responded_at'], unique=False)

    op.create_table('priority_actions',
    sa.Column('priority_id', sa.String(length=36), nullable=False),
    sa.Column('action_on', sa.Date(), nullable=False),
    sa.Column('officer_id', sa.String(length=36), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('public_text', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_priority_actions_officer_id_officers')),
    sa.ForeignKeyConstraint(['priority_id'], ['priorities.id'], name=op.f('fk_priority_actions_priority_id_priorities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_actions'))
    )
    with op.batch_alter_table('priority_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_actions_priority_id'), ['priority_id'], unique=False)

    op.create_table('victim_cases',
    sa.Column('victim_id', sa.String(length=36), nullable=False),
    sa.Column('crime_reference', sa.String(length=24), nullable=False),
    sa.Column('offence_type', sa.String(length=120), nullable=False),
    sa.Column('offence_date', sa.Date(), nullable=True),
    sa.Column('opened_at', sa.String(length=32), nullable=False),
    sa.Column('officer_id', sa.String(length=36), nullable=True),
    sa.Column('ward_id', sa.String(length=36), nullable=True),
    sa.Column('service_level', sa.String(length=32), nullable=False),
    sa.Column('enhanced_reasons', sa.Text(), nullable=False),
    sa.Column('contact_frequency', sa.String(length=32), nullable=False),
    sa.Column('contact_method', sa.String(length=32), nullable=True),
    sa.Column('victim_asked_less_often', sa.Boolean(), nullable=False),
    sa.Column('safe_contact_notes', sa.Text(), nullable=False),
    sa.Column('vulnerability_notes', sa.Text(), nullable=False),
    sa.Column('referred_to_victim_support', sa.Boolean(), nullable=False),
    sa.Column('referral_consent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('closed_at', sa.String(length=32), nullable=True),
    sa.Column('closing_reason', sa.Text(), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('next_contact_due', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_victim_cases_officer_id_officers')),
    sa.ForeignKeyConstraint(['victim_id'], ['contacts.id'], name=op.f('fk_victim_cases_victim_id_contacts')),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_victim_cases_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_victim_cases'))
    )
    with op.batch_alter_table('victim_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_victim_cases_crime_reference'), ['crime_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_victim_cases_next_contact_due'), ['next_contact_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_victim_cases_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_victim_cases_victim_id'), ['victim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_victim_cases_ward_id'), ['ward_id'], unique=False)

    op.create_table('kin_checkins',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('officer_id', sa.String(length=36), nullable=True),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('safety_score', sa.Integer(), nullable=False),
    sa.Column('concerns', sa.Text(), nullable=False),
    sa.Column('suggested_priorities', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['kin_members.id'], name=op.f('fk_kin_checkins_member_id_kin_members')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_kin_checkins_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kin_checkins'))
    )
    with op.batch_alter_table('kin_checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kin_checkins_checked_on'), ['checked_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_kin_checkins_member_id'), ['member_id'], unique=False)

    op.create_table('victim_contacts',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('contacted_at', sa.String(length=32), nullable=False),
    sa.Column('officer_id', sa.String(length=36), nullable=True),
    sa.Column('visit_type', sa.String(length=32), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('successful', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('station_id', sa.String(length=36), nullable=True),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['victim_cases.id'], name=op.f('fk_victim_contacts_case_id_victim_cases')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_victim_contacts_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_victim_contacts'))
    )
    with op.batch_alter_table('victim_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_victim_contacts_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_victim_contacts_contacted_at'), ['contacted_at'], unique=False)
