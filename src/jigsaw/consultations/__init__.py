"""Consultation ("talk it through"): a practitioner asks a skilled advisor before sharing.

A consultation is about a named child or an anonymous situation; advisors at the MASH see a
queue with due times, record the advice and its outcome, and log phone consultations. One
action turns a consultation into a draft referral carrying its content, linked both ways.
"""
